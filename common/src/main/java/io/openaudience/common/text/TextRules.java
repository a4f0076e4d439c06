package io.openaudience.common.text;

/**
 * What a text value stored by the platform may contain: no NUL or other C0 control character except tab, CR and LF
 * (PostgreSQL rejects NUL outright, and the others end up in CSV files and mail headers), no unpaired UTF-16
 * surrogate (it has no UTF-8 form), and a bounded length.
 */
public final class TextRules {

    private TextRules() {
    }

    /** Why the value is not acceptable text of at most {@code maxLength} characters, or null if it is. */
    public static String problem(String value, int maxLength) {
        if (value.length() > maxLength) {
            return "at most " + maxLength + " characters";
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c < 0x20 && c != '\t' && c != '\n' && c != '\r') {
                return "contains a control character (U+" + String.format("%04X", (int) c) + ")";
            }
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                    i++;
                    continue;
                }
                return "contains an unpaired surrogate (not valid Unicode)";
            }
            if (Character.isLowSurrogate(c)) {
                return "contains an unpaired surrogate (not valid Unicode)";
            }
        }
        return null;
    }

    /** {@link #problem} for a single-line value (a name, an id): CR, LF and tab are refused too. */
    public static String singleLineProblem(String value, int maxLength) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\t' || c == '\n' || c == '\r') {
                return "contains a line break or tab";
            }
        }
        return problem(value, maxLength);
    }
}
