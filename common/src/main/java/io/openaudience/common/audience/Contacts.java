package io.openaudience.common.audience;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * How a person's primary email and phone become the keys people are matched by (audience {@code app_user.email_key}
 * and {@code phone_key}): audience-service when it upserts a user and import-worker when a CSV row names one.
 */
public final class Contacts {

    /** Longest email address (RFC 5321 path limit). */
    public static final int MAX_EMAIL_LENGTH = 320;
    // The HTML5 type=email rule, with a dot required in the domain (import-worker's CSV rows use the same rule).
    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9]"
            + "(?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+");
    private static final Pattern PHONE = Pattern.compile("\\+?[0-9][0-9 ().-]{3,30}");
    private static final Pattern COUNTRY_CODE = Pattern.compile("\\+?[0-9]{1,4}");

    private Contacts() {
    }

    /** Whether the (trimmed) text is an acceptable email address. */
    public static boolean isEmail(String email) {
        if (email == null) {
            return false;
        }
        String e = email.strip();
        return e.codePointCount(0, e.length()) <= MAX_EMAIL_LENGTH && EMAIL.matcher(e).matches();
    }

    /** The matching key of an email: trimmed, lower-cased. */
    public static String emailKey(String email) {
        return email.strip().toLowerCase(Locale.ROOT);
    }

    /** Whether the text is an acceptable phone number (digits with spaces, dots, dashes or brackets, 4–31 chars). */
    public static boolean isPhone(String phone) {
        return phone != null && PHONE.matcher(phone.strip()).matches();
    }

    /** Whether the text is an acceptable country calling code ({@code 91} or {@code +91}). */
    public static boolean isCountryCode(String code) {
        return code != null && COUNTRY_CODE.matcher(code.strip()).matches();
    }

    /**
     * The matching key of a phone number: its digits, prefixed with the country code's digits when one is given and
     * the number does not already start with {@code +} (which carries its own).
     */
    public static String phoneKey(String countryCode, String phone) {
        String p = phone.strip();
        String digits = p.replaceAll("[^0-9]", "");
        if (p.startsWith("+") || countryCode == null || countryCode.isBlank()) {
            return digits;
        }
        return countryCode.replaceAll("[^0-9]", "") + digits;
    }
}
