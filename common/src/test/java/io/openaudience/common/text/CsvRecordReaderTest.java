package io.openaudience.common.text;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import static io.openaudience.testsupport.Streams.concat;
import static io.openaudience.testsupport.Streams.repeated;
import static io.openaudience.testsupport.Streams.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The shared CSV reader: RFC 4180 records, and records beyond its limits read through without being kept. */
class CsvRecordReaderTest {

    private static CsvRecordReader reader(InputStream in) {
        return CsvRecordReader.utf8(in, CsvLimits.DEFAULT);
    }

    @Test
    void quotedFieldsBomAndLineEnds() throws IOException {
        CsvRecordReader r = reader(text("\uFEFFa,\"b,\"\"c\"\"\nd\"\r\n,,\r\nx\ry"));
        assertEquals(List.of("a", "b,\"c\"\nd"), r.next());
        assertTrue(r.lastRecordEndedWithLineBreak());
        assertEquals(List.of("x"), r.nextNonBlank());
        assertEquals(List.of("y"), r.next());
        assertFalse(r.lastRecordEndedWithLineBreak());
        assertNull(r.next());
    }

    @Test
    void a256MiBFieldIsCutAndReportedAndTheNextRowIsRead() throws IOException {
        CsvRecordReader r = reader(concat(text("name,email\n"), repeated('a', 256L << 20),
                text(",big@example.com\nOk,ok@example.com\n")));
        assertEquals(List.of("name", "email"), r.next());
        List<String> big = r.next();
        assertEquals("has a field longer than 100000 characters (column 1)", r.lastRecordProblem());
        assertEquals(100_000, big.get(0).length());
        assertEquals(List.of("", 2), List.of(big.get(1), big.size()), "past the row limit no character is kept");
        assertEquals(List.of("Ok", "ok@example.com"), r.next());
        assertNull(r.lastRecordProblem());
    }

    @Test
    void anUnterminatedQuoteOf256MiBEndsWithTheFile() throws IOException {
        CsvRecordReader r = reader(concat(text("email\n\""), repeated('a', 256L << 20)));
        r.next();
        List<String> big = r.next();
        assertTrue(r.lastRecordUnterminated());
        assertTrue(r.lastRecordProblem().startsWith("has a field longer than 100000"), r.lastRecordProblem());
        assertEquals(100_000, big.get(0).length());
        assertNull(r.next());
    }

    @Test
    void aRowOfMillionsOfCommasIsCutAtTheColumnLimit() throws IOException {
        CsvRecordReader r = reader(concat(text("email\n"), repeated(',', 5_000_000),
                text("\nok@example.com\n")));
        r.next();
        List<String> commas = r.nextNonBlank();
        assertEquals(1_000, commas.size());
        assertEquals("has more than 1000 columns", r.lastRecordProblem());
        assertEquals(List.of("ok@example.com"), r.nextNonBlank());
    }

    @Test
    void aLongRowOfShortFieldsBreaksTheRowLimit() throws IOException {
        CsvRecordReader r = CsvRecordReader.utf8(text("a".repeat(40) + ("," + "b".repeat(40)).repeat(20) + "\nz\n"),
                new CsvLimits(50, 200, 100));
        List<String> row = r.next();
        assertEquals("is longer than 200 characters", r.lastRecordProblem());
        assertTrue(row.stream().mapToInt(String::length).sum() <= 200, String.valueOf(row));
        assertEquals(List.of("z"), r.next());
    }
}
