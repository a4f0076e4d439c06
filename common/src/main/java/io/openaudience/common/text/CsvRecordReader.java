package io.openaudience.common.text;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * An RFC 4180 record reader (a small state machine over a buffered {@link Reader}): quoted fields may hold commas,
 * doubled quotes and line breaks; records end with CRLF, LF or CR; a leading UTF-8 BOM is dropped. It is lenient
 * where spreadsheets are sloppy: a quote inside an unquoted field is kept literally, and text after a closing quote
 * is appended to the field. commons-csv is not managed by the Quarkus BOM, and this keeps the hot loop
 * allocation-light.
 * <p>
 * Memory is bounded by {@link CsvLimits}: a record beyond a limit is read to its end without being kept (its fields
 * come back cut at the limits) and {@link #lastRecordProblem()} says which limit it broke, so that the caller
 * rejects that row and goes on with the next.
 */
public final class CsvRecordReader {

    private final Reader in;
    private final CsvLimits limits;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int len;
    private boolean first = true;
    private boolean unterminatedQuote;
    private boolean lineBreak;
    private String problem;
    private long recordLength;
    private final StringBuilder field = new StringBuilder(64);

    public CsvRecordReader(Reader in, CsvLimits limits) {
        this.in = in;
        this.limits = limits;
    }

    /** A reader of UTF-8 bytes; bytes that are not UTF-8 become U+FFFD (which the row rules reject). */
    public static CsvRecordReader utf8(InputStream stream, CsvLimits limits) {
        return new CsvRecordReader(new InputStreamReader(stream, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)), limits);
    }

    /** The next record that is not blank ({@link #blank}) or is over a limit, or null at the end of input. */
    public List<String> nextNonBlank() throws IOException {
        List<String> fields;
        do {
            fields = next();
        } while (fields != null && problem == null && blank(fields));
        return fields;
    }

    /** Whether every field of a record is blank (a blank line, or the {@code ,,} rows spreadsheets export). */
    public static boolean blank(List<String> fields) {
        for (String f : fields) {
            if (!f.isBlank()) {
                return false;
            }
        }
        return true;
    }

    /** Whether the last record returned ended inside a quoted field (the file ended before its closing quote). */
    public boolean lastRecordUnterminated() {
        return unterminatedQuote;
    }

    /** Whether the last record returned ended with a line break (else with the end of input). */
    public boolean lastRecordEndedWithLineBreak() {
        return lineBreak;
    }

    /**
     * The limit the last record returned broke ("has a field longer than 100000 characters", "has more than 1000
     * columns", "is longer than 1000000 characters"), or null: its fields were cut there and the rest was skipped.
     */
    public String lastRecordProblem() {
        return problem;
    }

    /** The next record's fields, or null at the end of input; a blank line comes back as one empty field. */
    public List<String> next() throws IOException {
        unterminatedQuote = false;
        lineBreak = false;
        problem = null;
        recordLength = 0;
        if (!fill()) {
            return null;
        }
        if (first) {
            first = false;
            if (buf[pos] == '\uFEFF') {
                pos++;
                if (!fill()) {
                    return null;
                }
            }
        }
        List<String> fields = new ArrayList<>(4);
        field.setLength(0);
        boolean quoted = false;
        boolean wasQuoted = false;
        while (true) {
            if (pos == len && !fill()) {
                if (quoted) {
                    unterminatedQuote = true;
                }
                endField(fields);
                return fields;
            }
            char c = buf[pos++];
            recordLength++;
            if (quoted) {
                if (c == '"') {
                    if (pos == len && !fill()) {
                        endField(fields);
                        return fields;
                    }
                    if (buf[pos] == '"') {
                        append('"', fields);
                        pos++;
                    } else {
                        quoted = false;
                    }
                } else {
                    append(c, fields);
                }
            } else if (c == ',') {
                endField(fields);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && (pos < len || fill()) && buf[pos] == '\n') {
                    pos++;
                }
                lineBreak = true;
                endField(fields);
                return fields;
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                append(c, fields);
            }
        }
    }

    /** Keeps one character of the field, unless a limit was reached: then the character is only counted. */
    private void append(char c, List<String> fields) {
        if (recordLength > limits.maxRecordLength()) {
            broke("is longer than " + limits.maxRecordLength() + " characters");
        } else if (field.length() >= limits.maxFieldLength()) {
            broke("has a field longer than " + limits.maxFieldLength() + " characters (column " + (fields.size() + 1)
                    + ")");
        } else if (fields.size() < limits.maxColumns()) {
            field.append(c);
        }
    }

    private void endField(List<String> fields) {
        if (fields.size() < limits.maxColumns()) {
            fields.add(field.toString());
        } else {
            broke("has more than " + limits.maxColumns() + " columns");
        }
        field.setLength(0);
    }

    private void broke(String limit) {
        if (problem == null) {
            problem = limit;
        }
    }

    private boolean fill() throws IOException {
        if (pos < len) {
            return true;
        }
        int n;
        do {
            n = in.read(buf, 0, buf.length);
        } while (n == 0);
        if (n < 0) {
            len = 0;
            pos = 0;
            return false;
        }
        pos = 0;
        len = n;
        return true;
    }
}
