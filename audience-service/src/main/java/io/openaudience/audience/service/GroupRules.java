package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.GroupRequests.UserData;
import io.openaudience.audience.UserGroup;
import io.openaudience.common.audience.Contacts;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.text.TextRules;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What a user group's fields may hold, checked at the intake: each problem is named after the request field
 * ({@code name}, {@code tags[2]}, {@code user_data[4].email}) so a client can point at it.
 */
public final class GroupRules {

    public static final int MAX_NAME_LENGTH = 255;
    public static final int MAX_DESCRIPTION_LENGTH = 2000;
    public static final int MAX_TAGS = 20;
    public static final int MAX_TAG_LENGTH = 64;
    public static final int MAX_URL_LENGTH = 2048;
    public static final int MAX_USER_DATA = 1000;
    public static final int MAX_USER_ID_LENGTH = 128;
    /** The category every group has unless the request names another (the Fynd SDK cannot send one). */
    public static final String DEFAULT_CATEGORY = "custom";
    private static final Pattern CATEGORY = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private GroupRules() {
    }

    /** A group name: trimmed, 1–255 characters on one line; null when missing or bad (the problem is in errors). */
    public static String name(String raw, List<FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            errors.add(FieldError.of("name", "is required"));
            return null;
        }
        String name = raw.strip();
        String problem = TextRules.singleLineProblem(name, MAX_NAME_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of("name", problem));
            return null;
        }
        return name;
    }

    /** A description (may be empty, may span lines); {@code required} says whether a missing one is a problem. */
    public static String description(String raw, boolean required, List<FieldError> errors) {
        if (raw == null) {
            if (required) {
                errors.add(FieldError.of("description", "is required (it may be empty)"));
            }
            return null;
        }
        String problem = TextRules.problem(raw, MAX_DESCRIPTION_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of("description", problem));
            return null;
        }
        return raw.strip();
    }

    /** A category key (lower-case letters, digits, {@code _} and {@code -}); missing → {@link #DEFAULT_CATEGORY}. */
    public static String category(String raw, List<FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            return DEFAULT_CATEGORY;
        }
        String key = raw.strip();
        if (!CATEGORY.matcher(key).matches()) {
            errors.add(FieldError.of("category", "must be a category key: 1-64 lower-case letters, digits, _ or -"));
            return null;
        }
        return key;
    }

    /** Tags, trimmed and without repeats in first-seen order; null stays null (nothing given). */
    public static String[] tags(List<String> raw, List<FieldError> errors) {
        if (raw == null) {
            return null;
        }
        if (raw.size() > MAX_TAGS) {
            errors.add(FieldError.of("tags", "at most " + MAX_TAGS + " tags"));
            return null;
        }
        Set<String> tags = new LinkedHashSet<>();
        for (int i = 0; i < raw.size(); i++) {
            String tag = raw.get(i) == null ? "" : raw.get(i).strip();
            String problem = tag.isEmpty() ? "must not be empty" : TextRules.singleLineProblem(tag, MAX_TAG_LENGTH);
            if (problem != null) {
                errors.add(FieldError.of("tags[" + i + "]", problem));
            } else {
                tags.add(tag);
            }
        }
        return tags.toArray(String[]::new);
    }

    /**
     * The group type a request names: {@code bulk} or {@code conditional}; null when absent or empty (a create then
     * makes a bulk group, an update keeps the type) or not one of them (the problem is in errors).
     */
    public static String type(String type, List<FieldError> errors) {
        if (type == null || type.isBlank()) {
            return null;
        }
        String t = type.strip();
        if (t.equals(UserGroup.BULK) || t.equals(UserGroup.CONDITIONAL)) {
            return t;
        }
        errors.add(FieldError.of("type", "must be bulk or conditional"));
        return null;
    }

    /** An update may name the group's type (the SDK sends it) but never change it. */
    public static void sameType(String requested, UserGroup group) {
        if (requested != null && !requested.equals(group.type)) {
            throw ApiException.badRequest("type", "a " + group.type + " group cannot become " + requested
                    + "; create a new group");
        }
    }

    /**
     * The members of a conditional group come from its conditions: a {@code file_url} (an empty one counts as absent,
     * as the SDK may send it) or {@code user_data} is a problem named after it.
     */
    public static void noMemberInput(String fileUrl, Object userData, List<FieldError> errors) {
        if (fileUrl != null && !fileUrl.isEmpty()) {
            errors.add(FieldError.of("file_url", "a conditional group's members come from its conditions; file_url "
                    + "belongs to bulk groups"));
        }
        if (userData != null) {
            errors.add(FieldError.of("user_data", "a conditional group's members come from its conditions; "
                    + "user_data belongs to bulk groups"));
        }
    }

    /** {@code conditions} and {@code conditions_type} belong to conditional groups: on a bulk group, a problem. */
    public static void noConditions(JsonNode conditions, JsonNode conditionsType, List<FieldError> errors) {
        if (conditions != null && !conditions.isNull() && !(conditions.isArray() && conditions.isEmpty())) {
            errors.add(FieldError.of("conditions", "conditions belong to conditional groups (type: conditional)"));
        }
        if (conditionsType != null && !conditionsType.isNull()) {
            errors.add(FieldError.of("conditions_type", "conditions_type belongs to conditional groups "
                    + "(type: conditional)"));
        }
    }

    /**
     * A file URL as CONTRACT.md §5 wants it at the intake: absolute http(s), a host, at most 2048 characters. The
     * worker fetches it (and decides which hosts it may reach); {@code field} names it in the error.
     */
    public static String fileUrl(String raw, String field, List<FieldError> errors) {
        if (raw == null || raw.isBlank()) {
            errors.add(FieldError.of(field, "is required"));
            return null;
        }
        String url = raw.strip();
        if (url.length() > MAX_URL_LENGTH) {
            errors.add(FieldError.of(field, "at most " + MAX_URL_LENGTH + " characters"));
            return null;
        }
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
                errors.add(FieldError.of(field, "must be an absolute http or https URL"));
                return null;
            }
            if (uri.getHost() == null || uri.getHost().isEmpty()) {
                errors.add(FieldError.of(field, "must name a host"));
                return null;
            }
            return url;
        } catch (URISyntaxException e) {
            errors.add(FieldError.of(field, "is not a valid URL: " + e.getReason()));
            return null;
        }
    }

    /**
     * The {@code user_data} of a PATCH, shape-checked, as the job's params carry it: each entry names a person by
     * {@code user_id}, {@code email} or {@code phone_number} (optionally with {@code country_code}) and says
     * {@code add} or {@code remove} (empty = add, as in the CSV's action column).
     */
    public static ArrayNode userData(List<UserData> raw, List<FieldError> errors) {
        if (raw.isEmpty()) {
            errors.add(FieldError.of("user_data", "must name at least one user"));
            return null;
        }
        if (raw.size() > MAX_USER_DATA) {
            errors.add(FieldError.of("user_data", "at most " + MAX_USER_DATA + " entries; use file_url for more"));
            return null;
        }
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < raw.size(); i++) {
            String at = "user_data[" + i + "]";
            UserData entry = raw.get(i);
            if (entry == null) {
                errors.add(FieldError.of(at, "must be an object"));
                continue;
            }
            int before = errors.size();
            ObjectNode node = NODES.objectNode();
            String userId = trimmed(entry.userId());
            String email = trimmed(entry.email());
            String phone = trimmed(entry.phoneNumber());
            String countryCode = trimmed(entry.countryCode());
            if (userId == null && email == null && phone == null) {
                errors.add(FieldError.of(at, "needs a user_id, email or phone_number"));
            }
            if (userId != null) {
                String problem = TextRules.singleLineProblem(userId, MAX_USER_ID_LENGTH);
                if (problem != null) {
                    errors.add(FieldError.of(at + ".user_id", problem));
                }
                node.put("user_id", userId);
            }
            if (email != null) {
                if (!Contacts.isEmail(email)) {
                    errors.add(FieldError.of(at + ".email", "is not a valid email address"));
                }
                node.put("email", email);
            }
            if (phone != null) {
                if (!Contacts.isPhone(phone)) {
                    errors.add(FieldError.of(at + ".phone_number", "is not a valid phone number"));
                }
                node.put("phone_number", phone);
            }
            if (countryCode != null) {
                if (phone == null) {
                    errors.add(FieldError.of(at + ".country_code", "goes with a phone_number"));
                } else if (!Contacts.isCountryCode(countryCode)) {
                    errors.add(FieldError.of(at + ".country_code", "is not a country calling code"));
                }
                node.put("country_code", countryCode);
            }
            String action = entry.action() == null ? null : entry.action().strip().toLowerCase(Locale.ROOT);
            if (action == null) {
                errors.add(FieldError.of(at + ".action", "is required: add or remove"));
            } else if (!action.isEmpty() && !action.equals("add") && !action.equals("remove")) {
                errors.add(FieldError.of(at + ".action", "must be add or remove"));
            }
            node.put("action", action == null || action.isEmpty() ? "add" : action);
            if (errors.size() == before) {
                out.add(node);
            }
        }
        return out;
    }

    /** Throws a 400 listing every problem when there is any. */
    public static void rejectIfAny(List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw ApiException.badRequest(errors.stream().map(f -> f.field() + ": " + f.message())
                    .collect(Collectors.joining("; ")), errors);
        }
    }

    /** A new list to collect problems in. */
    public static List<FieldError> problems() {
        return new ArrayList<>();
    }

    private static String trimmed(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
