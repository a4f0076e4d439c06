package io.openaudience.segments.service;

import io.openaudience.segments.repository.JobReportRepository.ErrorRow;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** CSV quoting and spreadsheet-formula defusing of the error report. */
class ErrorReportCsvTest {

    @Test
    void formulaPrefixesGetASingleQuote() {
        assertEquals("'=1+1", ErrorReportCsv.cell("=1+1"));
        assertEquals("'+1", ErrorReportCsv.cell("+1"));
        assertEquals("'-1", ErrorReportCsv.cell("-1"));
        assertEquals("'@x", ErrorReportCsv.cell("@x"));
        assertEquals("'\tx", ErrorReportCsv.cell("\tx"));
        assertEquals("\"'\rx\"", ErrorReportCsv.cell("\rx"));
        assertEquals("a=b", ErrorReportCsv.cell("a=b"));
    }

    @Test
    void quotingFollowsRfc4180() {
        assertEquals("plain", ErrorReportCsv.cell("plain"));
        assertEquals("\"a,b\"", ErrorReportCsv.cell("a,b"));
        assertEquals("\"say \"\"hi\"\"\"", ErrorReportCsv.cell("say \"hi\""));
        assertEquals("\"two\nlines\"", ErrorReportCsv.cell("two\nlines"));
        assertEquals("\" padded \"", ErrorReportCsv.cell(" padded "));
        assertEquals("", ErrorReportCsv.cell(null));
        assertEquals("7,a@b.c,,invalid email\r\n", ErrorReportCsv.line(new ErrorRow(7, "a@b.c", null, "invalid email")));
    }
}
