package io.openaudience.worker.parse;

import io.openaudience.common.text.CsvHeader;
import io.openaudience.common.text.CsvLimits;
import io.openaudience.common.text.CsvRecordReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

/**
 * The rows of a CSV import: a header naming the columns in any order and case ({@code email} required once,
 * {@code name} optional, others ignored; {@link CsvHeader}'s rules), then one member per record; a record over the
 * limits is a rejected row. Records whose fields are all blank are skipped (blank lines,
 * or the {@code ,,} rows spreadsheets export). Bytes that are not UTF-8 become U+FFFD, which validation rejects.
 */
public final class CsvRowSource implements RowSource<ImportRow> {

    private final InputStream stream;
    private final CsvRecordReader reader;
    private int emailColumn = -1;
    private int nameColumn = -1;
    private long rowNo;

    public CsvRowSource(InputStream stream, CsvLimits limits) {
        this.stream = stream;
        this.reader = CsvRecordReader.utf8(stream, limits);
    }

    @Override
    public ImportRow next() throws IOException {
        if (emailColumn < 0) {
            readHeader();
        }
        List<String> fields = reader.nextNonBlank();
        if (fields == null) {
            return null;
        }
        rowNo++;
        String email = emailColumn < fields.size() ? fields.get(emailColumn) : null;
        String name = nameColumn >= 0 && nameColumn < fields.size() ? fields.get(nameColumn) : null;
        ImportRow row = new ImportRow(rowNo, email, name, null);
        if (reader.lastRecordProblem() != null) {
            return row.withError("the row " + reader.lastRecordProblem());
        }
        return reader.lastRecordUnterminated() ? row.withError("unterminated quoted field") : row;
    }

    /** The header rules are common's {@link CsvHeader}, the intake's too: both refuse the same files. */
    private void readHeader() throws IOException {
        try {
            CsvHeader header = CsvHeader.read(reader);
            if (header == null) {
                throw new UnreadableFileException("the file is empty: a header row with an email column is required");
            }
            emailColumn = header.requireOnce("email");
            nameColumn = header.indexOf("name");
        } catch (CsvHeader.InvalidCsvException e) {
            throw new UnreadableFileException(e.getMessage());
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
