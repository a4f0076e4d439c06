package io.openaudience.common.text;

/**
 * The most a CSV record may hold, so that one record (a single 256 MiB field, a row of millions of commas) cannot take
 * the reader's memory: characters in one field, characters in one record, fields in one record.
 */
public record CsvLimits(int maxFieldLength, int maxRecordLength, int maxColumns) {

    /** Far above any real member or attribute row (an email is at most 254 characters). */
    public static final CsvLimits DEFAULT = new CsvLimits(100_000, 1_000_000, 1_000);

    public CsvLimits {
        if (maxFieldLength < 1 || maxRecordLength < maxFieldLength || maxColumns < 1) {
            throw new IllegalArgumentException("CSV limits must be positive, the record limit at least the field's");
        }
    }
}
