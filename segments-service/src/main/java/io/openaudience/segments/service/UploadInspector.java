package io.openaudience.segments.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.text.CsvHeader;
import io.openaudience.common.text.CsvLimits;
import io.openaudience.common.text.CsvRecordReader;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Set;

/**
 * Decides, from the beginning of an upload, whether the import intake accepts it: the format (CSV or JSON) and,
 * for CSV, a header row with one `email` column ({@link CsvHeader}, as the worker reads it). Rows themselves are the
 * worker's business (per-row errors).
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
            checkCsv(head, whole);
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

    /**
     * The header row, read by the worker's reader with common's {@link CsvHeader} rules (the worker applies the same
     * rules to the whole file), then what only the beginning of the file can tell.
     */
    private static void checkCsv(byte[] head, boolean whole) {
        CsvRecordReader reader = CsvRecordReader.utf8(new ByteArrayInputStream(head), CsvLimits.DEFAULT);
        try {
            CsvHeader header = CsvHeader.read(reader);
            if (header == null) {
                throw invalid("the file is empty");
            }
            if (!whole && !reader.lastRecordEndedWithLineBreak()) {
                throw invalid("the CSV header row is longer than the inspection window (no line break found)");
            }
            header.requireOnce("email");
            if (whole && reader.nextNonBlank() == null) {
                throw invalid("the file has no data rows");
            }
        } catch (CsvHeader.InvalidCsvException e) {
            throw invalid(e.getMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a byte array does not fail
        }
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

}
