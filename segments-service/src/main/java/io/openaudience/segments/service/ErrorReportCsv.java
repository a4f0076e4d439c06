package io.openaudience.segments.service;

import io.openaudience.segments.repository.ImportJobRepository.ErrorRow;

/**
 * Writes the error report's CSV lines (RFC 4180 quoting) and defuses cells a spreadsheet would run as a formula
 * (OWASP "CSV injection"): a cell starting with = + - @, a tab or a carriage return gets a leading single quote.
 */
public final class ErrorReportCsv {

    public static final String HEADER = "row,email,name,reason\r\n";

    private ErrorReportCsv() {
    }

    public static String line(ErrorRow row) {
        return row.row() + "," + cell(row.email()) + "," + cell(row.name()) + "," + cell(row.reason()) + "\r\n";
    }

    static String cell(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        String safe = first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
        if (safe.indexOf(',') >= 0 || safe.indexOf('"') >= 0 || safe.indexOf('\n') >= 0 || safe.indexOf('\r') >= 0
                || !safe.equals(safe.strip())) {
            return '"' + safe.replace("\"", "\"\"") + '"';
        }
        return safe;
    }
}
