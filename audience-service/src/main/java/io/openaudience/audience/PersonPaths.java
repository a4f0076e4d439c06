package io.openaudience.audience;

import java.util.ArrayList;
import java.util.List;

/**
 * The dotted paths of a GoSquared Person (API.md §3) that {@code fields}, {@code sort} and smart-group {@code prefs}
 * may name: the reserved properties at the top level, {@code custom.<key>}, and the activity groups {@code last},
 * {@code first}, {@code totals}.
 */
public final class PersonPaths {

    public static final String CUSTOM_PREFIX = "custom.";
    /** Longest {@code <key>} of {@code custom.<key>}. */
    public static final int MAX_CUSTOM_KEY_LENGTH = 255;
    /** Reserved GoSquared properties kept in {@code app_user.profile} and shown at the top level. */
    public static final List<String> PROFILE = List.of("username", "description", "avatar", "company_name",
            "company_industry", "company_position", "company_size");
    /** What a list may be sorted by, besides {@code custom.<key>}. */
    public static final List<String> SORTABLE = List.of("id", "name", "email", "first_name", "last_name", "phone",
            "created_at", "last.seen", "first.seen", "totals.visits", "totals.events");
    /** The default columns of a CSV export: every field of a Person, {@code custom} as JSON. */
    public static final List<String> CSV_DEFAULT;
    /** Every field {@code fields} may name besides {@code custom.<key>}. */
    public static final List<String> FIELDS;

    static {
        List<String> csv = new ArrayList<>(List.of("id", "name", "email", "first_name", "last_name", "phone"));
        csv.addAll(PROFILE);
        csv.addAll(List.of("created_at", "last.seen", "first.seen", "totals.visits", "totals.events", "custom"));
        CSV_DEFAULT = List.copyOf(csv);
        List<String> fields = new ArrayList<>(csv);
        fields.addAll(List.of("last", "first", "totals"));
        FIELDS = List.copyOf(fields);
    }

    private PersonPaths() {
    }

    public static boolean sortable(String path) {
        return SORTABLE.contains(path) || customKey(path) != null;
    }

    public static boolean isField(String path) {
        return FIELDS.contains(path) || customKey(path) != null;
    }

    /** The {@code <key>} of {@code custom.<key>} (everything after the prefix, dots included), or null. */
    public static String customKey(String path) {
        if (path == null || !path.startsWith(CUSTOM_PREFIX) || path.length() == CUSTOM_PREFIX.length()
                || path.length() - CUSTOM_PREFIX.length() > MAX_CUSTOM_KEY_LENGTH) {
            return null;
        }
        return path.substring(CUSTOM_PREFIX.length());
    }
}
