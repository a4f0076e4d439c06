package io.openaudience.audience;

import java.util.Locale;

/** Turns user text into a case-insensitive "contains" pattern for {@code lower(x) like ? escape '\'}. */
public final class Likes {

    private Likes() {
    }

    public static String containing(String text) {
        String escaped = text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }
}
