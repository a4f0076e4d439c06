package io.openaudience.common.text;

import io.openaudience.common.audience.Contacts;

/**
 * The one rule for a member row ({@code email}, optional {@code name}) wherever members are created: the synchronous
 * bulk create of segments-service and the CSV/JSON import of import-worker accept and reject the same rows, with the
 * same reasons. The address itself is {@link Contacts#isEmail}'s rule (the HTML5 {@code type=email} rule with a dot
 * in the domain), the one email-address rule of the platform.
 */
public final class MemberRowRule {

    public static final int MAX_EMAIL = Contacts.MAX_EMAIL_LENGTH;
    public static final int MAX_NAME = 255;

    private MemberRowRule() {
    }

    /** The email as the rule reads it: surrounding blanks trimmed, null when absent. */
    public static String email(String raw) {
        return raw == null ? null : raw.strip();
    }

    /** The name as the rule reads it: surrounding blanks trimmed, null when absent or blank. */
    public static String name(String raw) {
        if (raw == null) {
            return null;
        }
        String name = raw.strip();
        return name.isEmpty() ? null : name;
    }

    /** Why the (trimmed) row is refused, or null if it is acceptable. */
    public static String problem(String email, String name) {
        if (email == null || email.isEmpty()) {
            return "missing email";
        }
        if (email.codePointCount(0, email.length()) > MAX_EMAIL) {
            return "email too long (max " + MAX_EMAIL + " characters)";
        }
        if (!Contacts.isEmail(email)) {
            return "invalid email";
        }
        if (name != null && name.codePointCount(0, name.length()) > MAX_NAME) {
            return "name too long (max " + MAX_NAME + " characters)";
        }
        if (name != null && hasBadChars(name)) {
            return "name contains control or non-UTF-8 characters";
        }
        return null;
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
