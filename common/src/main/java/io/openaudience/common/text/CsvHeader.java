package io.openaudience.common.text;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * The header row of an uploaded CSV, read and checked in one place for the intake (segments-service's
 * {@code UploadInspector}) and the worker, so that both accept and refuse the same files: the first record that is not
 * blank, within the reader's {@link CsvLimits}, UTF-8, closed quotes, comma-separated (a single column holding
 * {@code ;} or a tab is another dialect, refused by name); column names compared stripped and ignoring case.
 */
public final class CsvHeader {

    private final List<String> raw;
    private final List<String> names;

    private CsvHeader(List<String> raw) {
        this.raw = raw;
        List<String> lower = new ArrayList<>(raw.size());
        for (String r : raw) {
            lower.add(r.toLowerCase(Locale.ROOT));
        }
        this.names = Collections.unmodifiableList(lower);
    }

    /**
     * The header of the file {@code reader} is at the beginning of, or null when the file holds no record that is not
     * blank (the caller says what the file should have held).
     *
     * @throws InvalidCsvException naming what is wrong with the header row
     */
    public static CsvHeader read(CsvRecordReader reader) throws IOException {
        List<String> fields = reader.nextNonBlank();
        if (fields == null) {
            return null;
        }
        if (reader.lastRecordProblem() != null) {
            throw new InvalidCsvException("the header row " + reader.lastRecordProblem());
        }
        if (reader.lastRecordUnterminated()) {
            throw new InvalidCsvException("the CSV header row has an unterminated quote");
        }
        List<String> raw = new ArrayList<>(fields.size());
        for (String field : fields) {
            if (field.indexOf('\uFFFD') >= 0) {
                throw new InvalidCsvException("the file must be UTF-8 text (the header row is not)");
            }
            raw.add(field.strip());
        }
        if (raw.size() == 1 && (raw.get(0).contains(";") || raw.get(0).contains("\t"))) {
            String found = raw.get(0).contains(";") ? "';'" : "a tab";
            throw new InvalidCsvException("the CSV must be comma-separated (" + found + " found in the header row)");
        }
        return new CsvHeader(Collections.unmodifiableList(raw));
    }

    /** Column names as written (stripped), in file order. */
    public List<String> raw() {
        return raw;
    }

    /** Column names stripped and lower-cased, in file order. */
    public List<String> names() {
        return names;
    }

    /** The first column of that (lower-case) name, or -1. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /**
     * The one column of that (lower-case) name.
     *
     * @throws InvalidCsvException when the header has none, or more than one
     */
    public int requireOnce(String name) {
        int first = names.indexOf(name);
        if (first < 0) {
            String article = "aeiou".indexOf(name.charAt(0)) >= 0 ? "an " : "a ";
            throw new InvalidCsvException("the CSV header row must have " + article + name + " column");
        }
        if (names.lastIndexOf(name) != first) {
            throw new InvalidCsvException("the CSV header row has more than one " + name + " column");
        }
        return first;
    }

    /** A CSV file the platform does not read, with the reason a user can act on. */
    public static final class InvalidCsvException extends RuntimeException {

        public InvalidCsvException(String message) {
            super(message);
        }
    }
}
