package io.openaudience.worker.parse;

import java.util.Locale;
import io.openaudience.common.audience.Contacts;

/**
 * The per-row rules of an import, checked before anything touches the database: an email is required, valid (the
 * HTML5 {@code type=email} rule) and at most 320 characters; a name at most 255 characters, without control or
 * undecodable characters. Duplicates within the file are found by the batch writer, across batches.
 */
public final class RowValidator {

    public static final int MAX_EMAIL = 320;
    public static final int MAX_NAME = 255;

    private RowValidator() {
    }

    /** The row with surrounding blanks trimmed and its first broken rule as error, if any. */
    public static ImportRow validate(ImportRow row) {
        String email = row.email() == null ? null : row.email().strip();
        String name = row.name() == null ? null : row.name().strip();
        if (name != null && name.isEmpty()) {
            name = null;
        }
        ImportRow clean = new ImportRow(row.rowNo(), email, name, row.error());
        if (row.error() != null) {
            return clean;
        }
        if (email == null || email.isEmpty()) {
            return clean.withError("missing email");
        }
        if (email.codePointCount(0, email.length()) > MAX_EMAIL) {
            return clean.withError("email too long (max " + MAX_EMAIL + " characters)");
        }
        if (!Contacts.isEmail(email)) {
            return clean.withError("invalid email");
        }
        if (name != null && name.codePointCount(0, name.length()) > MAX_NAME) {
            return clean.withError("name too long (max " + MAX_NAME + " characters)");
        }
        if (name != null && hasBadChars(name)) {
            return clean.withError("name contains control or non-UTF-8 characters");
        }
        return clean;
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

    private static boolean hasBadChars(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\uFFFD' || (c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
                return true;
            }
        }
        return false;
    }
}
