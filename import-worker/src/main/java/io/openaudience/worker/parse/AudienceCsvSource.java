package io.openaudience.worker.parse;

import io.openaudience.common.text.CsvHeader;
import io.openaudience.common.text.CsvLimits;
import io.openaudience.common.text.CsvRecordReader;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The rows of an audience CSV (a group's members, a bulk attribute update): a header naming, in any order and case,
 * {@code user_id}, {@code email}, {@code phone_number} (at least one of them), {@code country_code}, {@code action},
 * and columns named after attribute definition slugs; other columns are ignored. Blank records are skipped, bytes
 * that are not UTF-8 become U+FFFD.
 */
public final class AudienceCsvSource implements RowSource<PersonInput> {

    private static final List<String> IDENTIFIERS = List.of("user_id", "email", "phone_number");

    private final InputStream stream;
    private final CsvRecordReader reader;
    private final Set<String> slugs;
    private final Map<String, String> slugsIgnoringCase = new HashMap<>();
    private final List<String> attributeColumns = new ArrayList<>();
    private final List<Integer> attributeIndexes = new ArrayList<>();
    private final Map<String, Integer> columns = new HashMap<>();
    private boolean headerRead;
    private long rowNo;

    /**
     * @param stream the file
     * @param slugs  the slugs of the tenant's attribute definitions: a column whose header equals one (ignoring
     *               case) sets that attribute
     * @param limits of one record: a row beyond them is rejected with the reason, the file goes on
     */
    public AudienceCsvSource(InputStream stream, Collection<String> slugs, CsvLimits limits) {
        this.stream = stream;
        this.reader = CsvRecordReader.utf8(stream, limits);
        this.slugs = Set.copyOf(slugs);
        for (String slug : slugs) {
            slugsIgnoringCase.putIfAbsent(slug.toLowerCase(Locale.ROOT), slug);
        }
    }

    /** The slugs the file has columns for, in column order (known once the first row was read). */
    public List<String> attributeColumns() throws IOException {
        if (!headerRead) {
            readHeader();
        }
        return Collections.unmodifiableList(attributeColumns);
    }

    @Override
    public PersonInput next() throws IOException {
        if (!headerRead) {
            readHeader();
        }
        List<String> fields = reader.nextNonBlank();
        if (fields == null) {
            return null;
        }
        rowNo++;
        List<String> cells = new ArrayList<>(attributeIndexes.size());
        for (int index : attributeIndexes) {
            cells.add(index < fields.size() ? fields.get(index) : null);
        }
        String error = reader.lastRecordProblem() != null ? "the row " + reader.lastRecordProblem()
                : reader.lastRecordUnterminated() ? "unterminated quoted field" : null;
        return new PersonInput(rowNo, cell(fields, "user_id"), cell(fields, "email"), cell(fields, "phone_number"),
                cell(fields, "country_code"), cell(fields, "action"), cells, error);
    }

    private String cell(List<String> fields, String column) {
        Integer index = columns.get(column);
        return index == null || index >= fields.size() ? null : fields.get(index);
    }

    /** Read with common's {@link CsvHeader} (the segments intake's and worker's rules); the columns are audience's. */
    private void readHeader() throws IOException {
        headerRead = true;
        CsvHeader header;
        try {
            header = CsvHeader.read(reader);
        } catch (CsvHeader.InvalidCsvException e) {
            throw new UnreadableFileException(e.getMessage());
        }
        if (header == null) {
            throw new UnreadableFileException("the file is empty: a header row with a user_id, email or "
                    + "phone_number column is required");
        }
        for (int i = 0; i < header.names().size(); i++) {
            String raw = header.raw().get(i);
            String name = header.names().get(i);
            // An attribute column matches its slug exactly, else ignoring case.
            String slug = slugs.contains(raw) ? raw : slugsIgnoringCase.get(name);
            if (IDENTIFIERS.contains(name) || name.equals("country_code") || name.equals("action")) {
                columns.putIfAbsent(name, i);
            } else if (slug != null && !attributeColumns.contains(slug)) {
                attributeColumns.add(slug);
                attributeIndexes.add(i);
            }
        }
        if (IDENTIFIERS.stream().noneMatch(columns::containsKey)) {
            throw new UnreadableFileException("the header row has no user_id, email or phone_number column");
        }
    }

    @Override
    public void close() throws IOException {
        stream.close();
    }
}
