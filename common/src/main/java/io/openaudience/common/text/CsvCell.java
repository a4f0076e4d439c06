package io.openaudience.common.text;

/**
 * One cell of a CSV file the platform writes (error reports, exports): RFC 4180 quoting, and a cell a spreadsheet
 * would run as a formula (OWASP "CSV injection": starting with = + - @, a tab or a carriage return) defused with a
 * leading single quote.
 */
public final class CsvCell {

    private CsvCell() {
    }

    public static String of(String value) {
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
