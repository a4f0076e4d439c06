package io.openaudience.worker.parse;

/**
 * One data row of an import file: its 1-based number among the file's data rows (header and blank lines not
 * counted), the raw email and name, and the reason it is already known to be unusable (null when none so far).
 */
public record ImportRow(long rowNo, String email, String name, String error) {

    public ImportRow withError(String reason) {
        return new ImportRow(rowNo, email, name, reason);
    }
}
