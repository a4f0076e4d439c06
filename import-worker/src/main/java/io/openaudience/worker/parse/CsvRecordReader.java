package io.openaudience.worker.parse;

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
 * is appended to the field. commons-csv is not managed by the Quarkus BOM, and this keeps the hot loop allocation-light.
 */
public final class CsvRecordReader {

    private final Reader in;
    private final char[] buf = new char[64 * 1024];
    private int pos;
    private int len;
    private boolean first = true;
    private boolean unterminatedQuote;
    private final StringBuilder field = new StringBuilder(64);

    public CsvRecordReader(Reader in) {
        this.in = in;
    }

    /** A reader of UTF-8 bytes; bytes that are not UTF-8 become U+FFFD (which the row rules reject). */
    public static CsvRecordReader utf8(InputStream stream) {
        return new CsvRecordReader(new InputStreamReader(stream, StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE)));
    }

    /** The next record that is not blank ({@link #blank}), or null at the end of input. */
    public List<String> nextNonBlank() throws IOException {
        List<String> fields;
        do {
            fields = next();
        } while (fields != null && blank(fields));
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

    /** The next record's fields, or null at the end of input; a blank line comes back as one empty field. */
    public List<String> next() throws IOException {
        unterminatedQuote = false;
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
                fields.add(field.toString());
                return fields;
            }
            char c = buf[pos++];
            if (quoted) {
                if (c == '"') {
                    if (pos == len && !fill()) {
                        fields.add(field.toString());
                        return fields;
                    }
                    if (buf[pos] == '"') {
                        field.append('"');
                        pos++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
                wasQuoted = false;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && (pos < len || fill()) && buf[pos] == '\n') {
                    pos++;
                }
                fields.add(field.toString());
                return fields;
            } else if (c == '"' && field.length() == 0 && !wasQuoted) {
                quoted = true;
                wasQuoted = true;
            } else {
                field.append(c);
            }
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
