package io.openaudience.audience.repository;

import java.util.Locale;

/** Turns user text into a case-insensitive "contains" pattern for {@code lower(x) like ? escape '\'}. */
final class Likes {

    private Likes() {
    }

    static String containing(String text) {
        String escaped = text.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
        return "%" + escaped + "%";
    }
}
