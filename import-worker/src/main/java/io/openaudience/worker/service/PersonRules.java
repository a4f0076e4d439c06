package io.openaudience.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.Contacts;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.text.TextRules;
import io.openaudience.worker.parse.PersonInput;
import io.openaudience.worker.parse.PersonRow;
import io.openaudience.worker.repository.AttributeDefinition;
import io.openaudience.worker.repository.Sql;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The per-row rules of an audience job, checked before anything touches the database: a row names a person by a
 * {@code user_id} (no control characters, at most 128), a valid email or a valid phone number (with an optional
 * country code), its {@code action} is {@code add} (or empty) or {@code remove} where the job honours actions, and
 * every non-blank attribute cell is a valid value of its definition ({@link AttributeRules#normalizeText}), sealed
 * with {@link AttributeCipher} for encrypted attributes. The first broken rule rejects the row, naming the column.
 */
final class PersonRules {

    static final int MAX_USER_ID = 128;
    static final int MAX_PHONE_KEY = 32;

    /** A value every row of an attribute bulk update sets, unless the row's own column for it says otherwise. */
    record FixedValue(AttributeDefinition definition, JsonNode value) {
    }

    private final String companyId;
    private final String applicationId;
    private final List<AttributeDefinition> columns;
    private final List<FixedValue> fixed;
    private final boolean honoursAction;
    private final AttributeCipher cipher;

    /**
     * @param columns       the definitions of the file's attribute columns, in the order of the rows' cells
     * @param fixed         values every row sets (an attribute bulk update's {@code attributes})
     * @param honoursAction whether {@code action} is read ({@code remove} rows remove the person from the group)
     */
    PersonRules(String companyId, String applicationId, List<AttributeDefinition> columns, List<FixedValue> fixed,
                boolean honoursAction, AttributeCipher cipher) {
        this.companyId = companyId;
        this.applicationId = applicationId;
        this.columns = columns;
        this.fixed = fixed;
        this.honoursAction = honoursAction;
        this.cipher = cipher;
    }

    PersonRow check(PersonInput in) {
        String userId = blankToNull(in.userId());
        String email = blankToNull(in.email());
        String phone = blankToNull(in.phoneNumber());
        String countryCode = blankToNull(in.countryCode());
        String identifier = Sql.reported(userId != null ? userId : email != null ? email : phone);
        if (in.error() != null) {
            return PersonRow.rejected(in.rowNo(), identifier, null, in.error());
        }
        if (userId == null && email == null && phone == null) {
            return PersonRow.rejected(in.rowNo(), null, null, "no user_id, email or phone_number");
        }
        if (userId != null) {
            String problem = TextRules.singleLineProblem(userId, MAX_USER_ID);
            if (problem != null) {
                return PersonRow.rejected(in.rowNo(), identifier, "user_id", "user_id " + problem);
            }
        }
        if (email != null && !Contacts.isEmail(email)) {
            return PersonRow.rejected(in.rowNo(), identifier, "email", "invalid email");
        }
        String phoneKey = null;
        Integer code = null;
        if (phone != null) {
            if (!Contacts.isPhone(phone)) {
                return PersonRow.rejected(in.rowNo(), identifier, "phone_number", "invalid phone_number");
            }
            if (countryCode != null) {
                if (!Contacts.isCountryCode(countryCode)) {
                    return PersonRow.rejected(in.rowNo(), identifier, "country_code", "invalid country_code");
                }
                code = Integer.valueOf(countryCode.replaceAll("[^0-9]", ""));
            }
            phoneKey = Contacts.phoneKey(countryCode, phone);
            if (phoneKey.length() > MAX_PHONE_KEY) {
                return PersonRow.rejected(in.rowNo(), identifier, "phone_number",
                        "phone_number too long (at most " + MAX_PHONE_KEY + " digits with the country code)");
            }
        }
        boolean remove = false;
        if (honoursAction && in.action() != null && !in.action().isBlank()) {
            String action = in.action().strip().toLowerCase(Locale.ROOT);
            if (!action.equals("add") && !action.equals("remove")) {
                return PersonRow.rejected(in.rowNo(), identifier, "action", "action must be add or remove");
            }
            remove = action.equals("remove");
        }
        List<PersonRow.Value> values = List.of();
        if (!remove && (!columns.isEmpty() || !fixed.isEmpty())) {
            values = new ArrayList<>(columns.size() + fixed.size());
            Set<String> set = new HashSet<>();
            for (int i = 0; i < columns.size(); i++) {
                String cell = i < in.cells().size() ? in.cells().get(i) : null;
                if (cell == null || cell.isBlank()) {
                    continue;
                }
                AttributeDefinition definition = columns.get(i);
                JsonNode value;
                try {
                    value = AttributeRules.normalizeText(definition.type(), definition.validations(), cell);
                } catch (InvalidAttributeValueException e) {
                    String at = e.path() == null ? "" : e.path() + " ";
                    return PersonRow.rejected(in.rowNo(), identifier, definition.slug(), at + e.getMessage());
                }
                values.add(value(definition, value));
                set.add(definition.id());
            }
            for (FixedValue f : fixed) {
                if (!set.contains(f.definition().id())) {
                    values.add(value(f.definition(), f.value()));
                }
            }
        }
        return new PersonRow(in.rowNo(), userId, userId == null && !remove ? ObjectIds.next() : null, email,
                email == null ? null : Contacts.emailKey(email), phone, phoneKey, code, remove, values, identifier,
                null, null);
    }

    private PersonRow.Value value(AttributeDefinition definition, JsonNode value) {
        String json = value.toString();
        if (!definition.encrypted()) {
            return new PersonRow.Value(definition.id(), json, null, null);
        }
        AttributeCipher.Sealed sealed = cipher.seal(json, companyId, applicationId, definition.id());
        return new PersonRow.Value(definition.id(), null, sealed.keyId(), sealed.bytes());
    }

    private static String blankToNull(String value) {
        if (value == null) {
            return null;
        }
        String v = value.strip();
        return v.isEmpty() ? null : v;
    }
}
