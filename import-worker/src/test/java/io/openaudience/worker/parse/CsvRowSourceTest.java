package io.openaudience.worker.parse;

import io.openaudience.common.text.CsvLimits;
import io.openaudience.testsupport.CsvHeaderSamples;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The worker's reading of segment import CSVs: the header rules it shares with the intake, and rows over a limit. */
class CsvRowSourceTest {

    private static CsvRowSource source(String file) {
        return new CsvRowSource(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), CsvLimits.DEFAULT);
    }

    /** segments-service's UploadInspectorTest runs the same samples. */
    @Test
    void headerSamplesSharedWithTheIntake() throws IOException {
        for (CsvHeaderSamples.Sample sample : CsvHeaderSamples.ALL) {
            CsvRowSource source = source(sample.header() + "\r\nA,a@example.com\r\n");
            if (sample.refusal() == null) {
                ImportRow row = source.next();
                assertEquals(1, row.rowNo(), sample.header());
            } else {
                UnreadableFileException e = assertThrows(UnreadableFileException.class, source::next,
                        sample.header());
                assertTrue(e.getMessage().contains(sample.refusal()), sample.header() + " -> " + e.getMessage());
            }
        }
    }

    @Test
    void aRowOverALimitIsRejectedWithTheReasonAndTheNextIsRead() throws IOException {
        CsvRowSource source = source("name,email\r\n" + "x".repeat(100_001) + ",a@example.com\r\nB,b@example.com\r\n");
        ImportRow big = source.next();
        assertEquals("the row has a field longer than 100000 characters (column 1)", big.error());
        ImportRow next = source.next();
        assertEquals("b@example.com", next.email());
        assertNull(next.error());
    }
}
