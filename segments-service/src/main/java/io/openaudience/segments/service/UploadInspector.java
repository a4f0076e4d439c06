package io.openaudience.segments.service;

import io.openaudience.common.error.ApiException;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Decides, from the beginning of an upload, whether the import intake accepts it: the format (CSV or JSON) and,
 * for CSV, a header row with an `email` column. Rows themselves are the worker's business (per-row errors).
 */
public final class UploadInspector {

    /** The multipart part the seed pages name; the error of every intake check points at it. */
    public static final String PART = "metrics";

    private static final Set<String> CSV_TYPES = Set.of("text/csv", "application/csv", "text/comma-separated-values",
            "application/vnd.ms-excel", "text/x-csv");
    private static final Set<String> JSON_TYPES = Set.of("application/json", "text/json");

    /** Upload formats, named as the upload table stores them. */
    public enum Format {
        CSV, JSON;

        public String dbValue() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private UploadInspector() {
    }

    /**
     * @param head        the first bytes of the file (at most the inspection window)
     * @param size        the whole file's size in bytes
     * @param contentType the part's content type, may be null
     * @param filename    the part's file name, may be null
     */
    public static Format inspect(byte[] head, long size, String contentType, String filename) {
        if (size == 0) {
            throw invalid("the file is empty");
        }
        boolean whole = head.length >= size;
        if (head.length >= 2 && ((head[0] == (byte) 0xFE && head[1] == (byte) 0xFF)
                || (head[0] == (byte) 0xFF && head[1] == (byte) 0xFE))) {
            throw invalid("the file must be UTF-8 text (UTF-16 found)");
        }
        int start = hasUtf8Bom(head) ? 3 : 0;
        int first = firstNonWhitespace(head, start);
        if (first < 0 && whole) {
            throw invalid("the file is empty");
        }
        for (int i = start; i < head.length; i++) {
            if (head[i] == 0) {
                throw invalid("the file is not text (binary content found)");
            }
        }
        Format format = format(head, first, contentType, filename);
        if (format == Format.JSON) {
            checkJson(head, first, whole);
        } else {
            checkCsv(head, start, whole);
        }
        return format;
    }

    private static Format format(byte[] head, int first, String contentType, String filename) {
        String type = contentType == null ? "" : contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (CSV_TYPES.contains(type)) {
            return Format.CSV;
        }
        if (JSON_TYPES.contains(type)) {
            return Format.JSON;
        }
        String name = filename == null ? "" : filename.toLowerCase(Locale.ROOT);
        if (name.endsWith(".csv")) {
            return Format.CSV;
        }
        if (name.endsWith(".json")) {
            return Format.JSON;
        }
        // A generic type and no telling extension (e.g. application/octet-stream, "users.txt"): look at the bytes.
        return first >= 0 && (head[first] == '[' || head[first] == '{') ? Format.JSON : Format.CSV;
    }

    private static void checkJson(byte[] head, int first, boolean whole) {
        if (first < 0 || head[first] != '[') {
            throw invalid("a JSON upload must be an array of {name, email} objects");
        }
        int next = firstNonWhitespace(head, first + 1);
        if (whole && next >= 0 && head[next] == ']' && firstNonWhitespace(head, next + 1) < 0) {
            throw invalid("the file has no rows");
        }
    }

    private static void checkCsv(byte[] head, int start, boolean whole) {
        HeaderRow header = headerRow(head, start, whole);
        List<String> names = new ArrayList<>();
        for (String field : header.fields()) {
            names.add(field.trim().toLowerCase(Locale.ROOT));
        }
        long emails = names.stream().filter("email"::equals).count();
        if (emails == 0) {
            if (names.size() == 1 && (names.get(0).contains(";") || names.get(0).contains("\t"))) {
                String found = names.get(0).contains(";") ? "';'" : "a tab";
                throw invalid("the CSV must be comma-separated (" + found + " found in the header row)");
            }
            throw invalid("the CSV header row must have an email column");
        }
        if (emails > 1) {
            throw invalid("the CSV header row has more than one email column");
        }
        if (whole && firstNonWhitespace(head, header.end()) < 0) {
            throw invalid("the file has no data rows");
        }
    }

    /** The first CSV record (RFC 4180: quoted fields, doubled quotes, CRLF or LF) and where it ends. */
    private static HeaderRow headerRow(byte[] head, int start, boolean whole) {
        int end = -1;
        int next = -1;
        boolean quoted = false;
        for (int i = start; i < head.length; i++) {
            byte b = head[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted && (b == '\n' || b == '\r')) {
                end = i;
                next = b == '\r' && i + 1 < head.length && head[i + 1] == '\n' ? i + 2 : i + 1;
                break;
            }
        }
        if (end < 0) {
            if (quoted) {
                throw invalid("the CSV header row has an unterminated quote");
            }
            if (!whole) {
                throw invalid("the CSV header row is longer than the inspection window (no line break found)");
            }
            end = head.length;
            next = head.length;
        }
        String line;
        try {
            line = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(head, start, end - start)).toString();
        } catch (CharacterCodingException e) {
            throw invalid("the file must be UTF-8 text");
        }
        return new HeaderRow(fields(line), next);
    }

    private static List<String> fields(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }

    private static boolean hasUtf8Bom(byte[] head) {
        return head.length >= 3 && head[0] == (byte) 0xEF && head[1] == (byte) 0xBB && head[2] == (byte) 0xBF;
    }

    private static int firstNonWhitespace(byte[] head, int from) {
        for (int i = from; i < head.length; i++) {
            byte b = head[i];
            if (b != ' ' && b != '\t' && b != '\r' && b != '\n') {
                return i;
            }
        }
        return -1;
    }

    private static ApiException invalid(String message) {
        return ApiException.badRequest(PART, message);
    }

    private record HeaderRow(List<String> fields, int end) {
    }
}
