package io.openaudience.worker.parse;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * The rows of a CSV import: a header naming the columns in any order and case ({@code email} required, {@code name}
 * optional, others ignored), then one member per record. Records whose fields are all blank are skipped (blank lines,
 * or the {@code ,,} rows spreadsheets export). Bytes that are not UTF-8 become U+FFFD, which validation rejects.
 */
public final class CsvRowSource implements RowSource<ImportRow> {

    private final InputStream stream;
    private final CsvRecordReader reader;
    private int emailColumn = -1;
    private int nameColumn = -1;
    private long rowNo;

    public CsvRowSource(InputStream stream) {
        this.stream = stream;
        this.reader = CsvRecordReader.utf8(stream);
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
        return reader.lastRecordUnterminated() ? row.withError("unterminated quoted field") : row;
    }

    private void readHeader() throws IOException {
        List<String> header = reader.nextNonBlank();
        if (header == null) {
            throw new UnreadableFileException("the file is empty: a header row with an email column is required");
        }
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i).strip().toLowerCase(Locale.ROOT);
            if (column.equals("email") && emailColumn < 0) {
                emailColumn = i;
            } else if (column.equals("name") && nameColumn < 0) {
                nameColumn = i;
            }
        }
        if (emailColumn < 0) {
            throw new UnreadableFileException("the header row has no email column");
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
