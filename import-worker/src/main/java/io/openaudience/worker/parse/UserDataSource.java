package io.openaudience.worker.parse;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;

/**
 * The {@code user_data} entries of a group PATCH ({@code [{user_id?, email?, phone_number?, country_code?, action}]},
 * at most 1,000, shape checked at intake) as rows numbered from 1, read like the rows of a file.
 */
public final class UserDataSource implements RowSource<PersonInput> {

    private final JsonNode entries;
    private int next;

    public UserDataSource(JsonNode entries) {
        this.entries = entries;
    }

    @Override
    public PersonInput next() {
        if (entries == null || !entries.isArray() || next >= entries.size()) {
            return null;
        }
        JsonNode entry = entries.get(next++);
        if (!entry.isObject()) {
            return new PersonInput(next, null, null, null, null, null, List.of(), "the entry is not an object");
        }
        return new PersonInput(next, text(entry, "user_id"), text(entry, "email"), text(entry, "phone_number"),
                text(entry, "country_code"), text(entry, "action"), List.of(), null);
    }

    /** A value as text: strings as they are, numbers (a phone or country code sent as a number) as written. */
    private static String text(JsonNode entry, String key) {
        JsonNode value = entry.get(key);
        return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
    }

    @Override
    public void close() {
        // Nothing to release: the entries are part of the job's params.
    }
}
