package io.openaudience.audience.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.PersonPaths;
import io.openaudience.audience.PersonRow;
import io.openaudience.common.text.CsvCell;

import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * A person as GoSquared shows it (API.md §3 {@code Person}): {@code id, name, email, first_name?, last_name?, phone?},
 * the other reserved properties, {@code created_at}, {@code custom} (properties with the attribute values of the
 * application's definitions over them), {@code last: {seen}}, {@code first: {seen}}, {@code totals: {visits, events}};
 * then cut to the requested {@code fields}, as JSON or as one CSV line.
 */
public final class Persons {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Persons() {
    }

    /** Every field of the person; dates in {@code dates}. */
    public static ObjectNode full(PersonRow r, MomentFormat dates) {
        ObjectNode p = NODES.objectNode();
        p.put("id", r.userId());
        p.put("name", r.name());
        p.put("email", primaryEmail(r.emails()));
        putIfPresent(p, "first_name", r.firstName());
        putIfPresent(p, "last_name", r.lastName());
        putIfPresent(p, "phone", primaryPhone(r.phones()));
        JsonNode profile = parse(r.profile());
        for (String key : PersonPaths.PROFILE) {
            JsonNode value = profile.get(key);
            if (value != null && !value.isNull()) {
                p.set(key, value);
            }
        }
        p.put("created_at", dates.format(r.createdAt()));
        ObjectNode custom = NODES.objectNode();
        copy(parse(r.properties()), custom);
        // Attribute values are the truth for their slug (the filters read them there too).
        copy(parse(r.attributes()), custom);
        p.set("custom", custom);
        p.putObject("last").put("seen", dates.format(r.lastSeenAt()));
        p.putObject("first").put("seen", dates.format(r.firstSeenAt()));
        p.putObject("totals").put("visits", r.totalVisits()).put("events", r.totalEvents());
        return p;
    }

    /** The person cut to {@code fields} (checked dotted paths), nested as the full person nests them. */
    public static ObjectNode select(ObjectNode full, List<String> fields) {
        if (fields.isEmpty()) {
            return full;
        }
        ObjectNode out = NODES.objectNode();
        for (String field : fields) {
            int dot = field.indexOf('.');
            if (dot < 0) {
                JsonNode value = full.get(field);
                out.set(field, value == null ? NODES.nullNode() : value.deepCopy());
                continue;
            }
            String group = field.substring(0, dot);
            String key = field.substring(dot + 1);
            JsonNode parent = full.get(group);
            JsonNode value = parent == null ? null : parent.get(key);
            // Checked fields: a dotted one always lies in an object group (custom, last, first, totals).
            ObjectNode target = out.get(group) instanceof ObjectNode o ? o : out.putObject(group);
            target.set(key, value == null ? NODES.nullNode() : value.deepCopy());
        }
        return out;
    }

    /** The CSV header line of these columns. */
    public static String csvHeader(List<String> columns) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            line.append(i == 0 ? "" : ",").append(CsvCell.of(columns.get(i)));
        }
        return line.append("\r\n").toString();
    }

    /** One CSV line: each column's value as text (objects and arrays as JSON), every cell through {@link CsvCell}. */
    public static String csvLine(ObjectNode full, List<String> columns) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < columns.size(); i++) {
            String column = columns.get(i);
            int dot = column.indexOf('.');
            JsonNode value = dot < 0 ? full.get(column)
                    : full.path(column.substring(0, dot)).get(column.substring(dot + 1));
            line.append(i == 0 ? "" : ",").append(CsvCell.of(text(value)));
        }
        return line.append("\r\n").toString();
    }

    private static String text(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    /** The primary entry's {@code email} of the stored list (the UserSummary shape), or null. */
    static String primaryEmail(String emails) {
        JsonNode primary = primary(parse(emails));
        return primary == null ? null : primary.path("email").asText(null);
    }

    /** The primary phone as text; a separate country code is put in front ({@code +91 9999999999}). */
    static String primaryPhone(String phones) {
        JsonNode primary = primary(parse(phones));
        if (primary == null || !primary.path("phone").isTextual()) {
            return null;
        }
        String phone = primary.get("phone").asText();
        JsonNode code = primary.get("country_code");
        return code == null || code.isNull() || phone.startsWith("+") ? phone : "+" + code.asText() + " " + phone;
    }

    private static JsonNode primary(JsonNode list) {
        if (!list.isArray() || list.isEmpty()) {
            return null;
        }
        for (JsonNode entry : list) {
            if (entry.path("primary").asBoolean(false)) {
                return entry;
            }
        }
        return list.get(0);
    }

    private static void putIfPresent(ObjectNode p, String field, String value) {
        if (value != null) {
            p.put(field, value);
        }
    }

    private static void copy(JsonNode from, ObjectNode to) {
        if (from.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = from.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                to.set(e.getKey(), e.getValue());
            }
        }
    }

    private static JsonNode parse(String json) {
        if (json == null) {
            return NODES.missingNode();
        }
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column did not hold JSON", e);
        }
    }
}
