package io.openaudience.worker.parse;

import java.util.Locale;
import io.openaudience.common.text.MemberRowRule;

/**
 * The per-row rules of an import, checked before anything touches the database: {@link MemberRowRule}, the rule the
 * synchronous bulk create applies too. Duplicates within the file are found by the batch writer, across batches.
 */
public final class RowValidator {

    private RowValidator() {
    }

    /** The row with surrounding blanks trimmed and its first broken rule as error, if any. */
    public static ImportRow validate(ImportRow row) {
        String email = MemberRowRule.email(row.email());
        String name = MemberRowRule.name(row.name());
        ImportRow clean = new ImportRow(row.rowNo(), email, name, row.error());
        if (row.error() != null) {
            return clean;
        }
        String problem = MemberRowRule.problem(email, name);
        return problem == null ? clean : clean.withError(problem);
    }

    /** Start of the reason of a row repeating an earlier row's email; the earlier row's number and ")" follow. */
    public static final String DUPLICATE_PREFIX = "duplicate email in file (first at row ";

    public static String duplicateOf(long firstRow) {
        return DUPLICATE_PREFIX + firstRow + ")";
    }

    /** The key emails are matched on, the same as the member_email_uq index: lower(email). */
    public static String key(String email) {
        return email.toLowerCase(Locale.ROOT);
    }
}
