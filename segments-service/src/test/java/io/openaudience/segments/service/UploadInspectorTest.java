package io.openaudience.segments.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.segments.service.UploadInspector.Format;
import io.openaudience.testsupport.CsvHeaderSamples;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The intake's file checks on their own: format detection and the CSV header rules, including window limits. */
class UploadInspectorTest {

    private static Format inspect(String content, String type, String name) {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        return UploadInspector.inspect(bytes, bytes.length, type, name);
    }

    private static String rejection(String content, String type, String name) {
        ApiException e = assertThrows(ApiException.class, () -> inspect(content, type, name));
        assertEquals(400, e.status());
        assertEquals("metrics", e.errors().get(0).field());
        return e.getMessage();
    }

    @Test
    void formatFollowsContentTypeThenExtensionThenContent() {
        assertEquals(Format.CSV, inspect("email\na@example.com\n", "text/csv; charset=utf-8", "x.json"));
        assertEquals(Format.JSON, inspect("[{\"email\":\"a@example.com\"}]", "application/json", "x.csv"));
        assertEquals(Format.CSV, inspect("email\na@example.com\n", "application/octet-stream", "x.CSV"));
        assertEquals(Format.JSON, inspect("[{\"email\":\"a@example.com\"}]", null, "x.json"));
        assertEquals(Format.JSON, inspect("  [{\"email\":\"a@example.com\"}]", "application/octet-stream", "x.txt"));
        assertEquals(Format.CSV, inspect("email\na@example.com\n", null, null));
    }

    @Test
    void csvHeaderRules() {
        assertEquals(Format.CSV, inspect("\uFEFFName, Email \r\nA,a@example.com", "text/csv", null));
        assertEquals(Format.CSV, inspect("\"name\",\"e\"\"x\",\"EMAIL\"\na,b,c", "text/csv", null));
        assertEquals(Format.CSV, inspect("\"full, name\",email\na,b", "text/csv", null));
        assertTrue(rejection("name,mail\na,b\n", "text/csv", null).contains("email column"));
        assertTrue(rejection("name,email,Email\na,b,c\n", "text/csv", null).contains("more than one email"));
        assertTrue(rejection("email\n\n  \n", "text/csv", null).contains("no data rows"));
        assertTrue(rejection("email", "text/csv", null).contains("no data rows"));
        assertTrue(rejection("name;email\na;b\n", "text/csv", null).contains("';'"));
    }

    /** The worker's CsvRowSourceTest runs the same samples: both accept and refuse the same header rows. */
    @Test
    void headerSamplesSharedWithTheWorker() {
        for (CsvHeaderSamples.Sample sample : CsvHeaderSamples.ALL) {
            String file = sample.header() + "\r\nA,a@example.com\r\n";
            if (sample.refusal() == null) {
                assertEquals(Format.CSV, inspect(file, "text/csv", null), sample.header());
            } else {
                String message = rejection(file, "text/csv", null);
                assertTrue(message.contains(sample.refusal()), sample.header() + " -> " + message);
            }
        }
    }

    @Test
    void headerWithoutLineBreakInsideTheWindowIsRejectedOnlyWhenTheFileIsLonger() {
        byte[] head = ("email," + "x".repeat(100)).getBytes(StandardCharsets.UTF_8);
        ApiException e = assertThrows(ApiException.class,
                () -> UploadInspector.inspect(head, head.length + 1000L, "text/csv", null));
        assertTrue(e.getMessage().contains("inspection window"));
        // The window ends in the middle of the rows: the header is complete, the rest is the worker's.
        byte[] partial = "email,name\na@example.com,An".getBytes(StandardCharsets.UTF_8);
        assertEquals(Format.CSV, UploadInspector.inspect(partial, 10_000_000L, "text/csv", null));
    }

    @Test
    void jsonMustBeANonEmptyArray() {
        assertTrue(rejection("{\"email\":\"a@example.com\"}", "application/json", null).contains("array"));
        assertTrue(rejection("\"text\"", "application/json", null).contains("array"));
        assertTrue(rejection("[\n]", "application/json", null).contains("no rows"));
        // Only the beginning is inspected: a broken array is accepted and the worker reports it.
        assertEquals(Format.JSON, inspect("[{\"email\":", "application/json", null));
    }

    @Test
    void emptyAndBinaryFilesAreRejected() {
        assertThrows(ApiException.class, () -> UploadInspector.inspect(new byte[0], 0, "text/csv", null));
        assertTrue(rejection("\r\n \n", "text/csv", null).contains("empty"));
        byte[] binary = {'e', 'm', 0, 1, 2, '\n'};
        ApiException e = assertThrows(ApiException.class,
                () -> UploadInspector.inspect(binary, binary.length, "text/csv", null));
        assertTrue(e.getMessage().contains("binary"));
    }
}
