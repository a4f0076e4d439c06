package io.openaudience.segments.service;

import io.openaudience.common.text.CsvCell;
import io.openaudience.segments.repository.JobReportRepository.ErrorRow;

/**
 * Writes the error report's CSV lines; each cell is quoted and defused by {@link CsvCell}.
 */
public final class ErrorReportCsv {

    public static final String HEADER = "row,email,name,reason\r\n";

    private ErrorReportCsv() {
    }

    public static String line(ErrorRow row) {
        return row.row() + "," + cell(row.email()) + "," + cell(row.name()) + "," + cell(row.reason()) + "\r\n";
    }

    static String cell(String value) {
        return CsvCell.of(value);
    }
}
