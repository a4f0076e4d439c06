package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.AppUser;
import io.openaudience.audience.repository.AppUserRepository;
import io.openaudience.common.audience.Contacts;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * People written one at a time (the user PUT and GET): contacts in the UserSummary shape, exactly one primary email
 * and phone as the matching keys ({@link Contacts}), names and free properties, each field checked and named on 400;
 * an email or phone that is another person's primary one is a 409.
 */
@ApplicationScoped
public class AppUserService {

    public static final int MAX_CONTACTS = 20;
    public static final int MAX_NAME_LENGTH = 255;
    /** Largest {@code properties} object, in UTF-8 bytes of its JSON. */
    public static final int MAX_PROPERTIES_BYTES = 32_768;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final AppUserRepository people;

    public AppUserService(AppUserRepository people) {
        this.people = people;
    }

    /** The person as stored and whether this request created it. */
    public record Upserted(AppUser user, boolean created) {
    }

    /** The checked fields of a PUT; a null field was absent and keeps its value. */
    private record Profile(ArrayNode emails, String emailKey, Integer primaryEmail, ArrayNode phones, String phoneKey,
                           Integer primaryPhone, ObjectNode properties, Name firstName, Name lastName, Name name) {
    }

    /** A name field that was present in the body (its value may be null: cleared). */
    private record Name(String value) {
    }

    @WithSession
    public Uni<AppUser> get(Tenant tenant, String userId) {
        return people.findFor(tenant, userId).onItem().ifNull().failWith(() -> ApiException.notFound("user"));
    }

    /**
     * Creates the person or updates it: each field present in the body replaces the stored one ({@code null} clears
     * it), absent fields keep theirs.
     */
    @WithTransaction
    public Uni<Upserted> upsert(Tenant tenant, String userId, JsonNode body) {
        People.checkedUserId(userId);
        Profile p = profile(body);
        return people.createIfAbsent(tenant, userId)
                .chain(created -> people.lockFor(tenant, userId)
                        .call(user -> owner(p.emailKey(), key -> people.byEmailKey(tenant, key), user,
                                "emails[" + p.primaryEmail() + "].email", "email"))
                        .call(user -> owner(p.phoneKey(), key -> people.byPhoneKey(tenant, key), user,
                                "phone_numbers[" + p.primaryPhone() + "].phone", "phone number"))
                        .chain(user -> {
                            apply(user, p);
                            return people.flush().replaceWith(new Upserted(user, created));
                        }))
                // Another request gave the same email or phone to another person in the meantime.
                .onFailure(e -> UniqueViolations.is(e, "app_user_email_uq"))
                .transform(e -> ApiException.conflict("emails[" + p.primaryEmail() + "].email",
                        "the email belongs to another user"))
                .onFailure(e -> UniqueViolations.is(e, "app_user_phone_uq"))
                .transform(e -> ApiException.conflict("phone_numbers[" + p.primaryPhone() + "].phone",
                        "the phone number belongs to another user"));
    }

    private static Uni<Void> owner(String key, java.util.function.Function<String, Uni<AppUser>> lookup,
                                   AppUser user, String field, String what) {
        if (key == null) {
            return Uni.createFrom().voidItem();
        }
        return lookup.apply(key).invoke(owner -> {
            if (owner != null && !owner.id.equals(user.id)) {
                throw ApiException.conflict(field, "the " + what + " belongs to another user");
            }
        }).replaceWithVoid();
    }

    private static void apply(AppUser user, Profile p) {
        if (p.emails() != null) {
            user.emails = p.emails();
            user.emailKey = p.emailKey();
        } else if (user.emails == null) {
            user.emails = NODES.arrayNode();
        }
        if (p.phones() != null) {
            user.phoneNumbers = p.phones();
            user.phoneKey = p.phoneKey();
        } else if (user.phoneNumbers == null) {
            user.phoneNumbers = NODES.arrayNode();
        }
        if (p.properties() != null) {
            user.properties = p.properties();
        } else if (user.properties == null) {
            user.properties = NODES.objectNode();
        }
        if (p.firstName() != null) {
            user.firstName = p.firstName().value();
        }
        if (p.lastName() != null) {
            user.lastName = p.lastName().value();
        }
        if (p.name() != null) {
            user.name = p.name().value();
        }
        user.updatedAt = AttributeDefinitionService.now();
    }

    private static Profile profile(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "a JSON object is required");
        }
        List<FieldError> errors = new ArrayList<>();
        ArrayNode emails = null;
        String emailKey = null;
        Integer primaryEmail = null;
        if (body.has("emails")) {
            emails = NODES.arrayNode();
            primaryEmail = contacts(body.get("emails"), "emails", emails, errors, AppUserService::email);
            if (primaryEmail != null) {
                emailKey = Contacts.emailKey(emails.get(primaryEmail).get("email").asText());
            }
        }
        ArrayNode phones = null;
        String phoneKey = null;
        Integer primaryPhone = null;
        if (body.has("phone_numbers")) {
            phones = NODES.arrayNode();
            primaryPhone = contacts(body.get("phone_numbers"), "phone_numbers", phones, errors, AppUserService::phone);
            if (primaryPhone != null) {
                JsonNode primary = phones.get(primaryPhone);
                phoneKey = Contacts.phoneKey(primary.has("country_code") ? primary.get("country_code").asText()
                        : null, primary.get("phone").asText());
            }
        }
        ObjectNode properties = null;
        if (body.has("properties")) {
            properties = properties(body.get("properties"), "properties", MAX_PROPERTIES_BYTES, errors);
        }
        Name firstName = name(body, "first_name", errors);
        Name lastName = name(body, "last_name", errors);
        Name name = name(body, "name", errors);
        AttributeDefinitionService.failOn(errors);
        return new Profile(emails, emailKey, primaryEmail, phones, phoneKey, primaryPhone, properties, firstName,
                lastName, name);
    }

    /** One contact entry checked into its stored form, or null (errors added). */
    private interface ContactRule {
        ObjectNode check(JsonNode entry, String at, List<FieldError> errors);
    }

    /**
     * Checks a contact list into {@code out} and returns the index of its primary entry: the one marked
     * {@code primary: true}, else the first; null for an empty list. Two entries marked primary, or one address twice,
     * is a 400.
     */
    private static Integer contacts(JsonNode list, String field, ArrayNode out, List<FieldError> errors,
                                    ContactRule rule) {
        if (list == null || list.isNull()) {
            return null;
        }
        if (!list.isArray()) {
            errors.add(FieldError.of(field, field + " must be an array"));
            return null;
        }
        if (list.size() > MAX_CONTACTS) {
            errors.add(FieldError.of(field, field + " may hold at most " + MAX_CONTACTS + " entries"));
            return null;
        }
        Integer primary = null;
        Map<String, Integer> keys = new HashMap<>();
        int before = errors.size();
        for (int i = 0; i < list.size(); i++) {
            String at = field + "[" + i + "]";
            ObjectNode entry = rule.check(list.get(i), at, errors);
            if (entry == null) {
                continue;
            }
            String key = entry.has("email") ? Contacts.emailKey(entry.get("email").asText())
                    : Contacts.phoneKey(entry.has("country_code") ? entry.get("country_code").asText() : null,
                    entry.get("phone").asText());
            Integer first = keys.putIfAbsent(key, i);
            if (first != null) {
                errors.add(FieldError.of(at + (entry.has("email") ? ".email" : ".phone"),
                        at + " repeats " + field + "[" + first + "]"));
            }
            if (entry.get("primary").asBoolean()) {
                if (primary != null) {
                    errors.add(FieldError.of(at + ".primary", "only one of " + field + " may be primary ("
                            + field + "[" + primary + "] is)"));
                }
                primary = i;
            }
            out.add(entry);
        }
        if (errors.size() > before || out.isEmpty()) {
            return null;
        }
        if (primary == null) {
            primary = 0;
            ((ObjectNode) out.get(0)).put("primary", true);
        }
        return primary;
    }

    private static ObjectNode email(JsonNode entry, String at, List<FieldError> errors) {
        if (!entry.isObject()) {
            errors.add(FieldError.of(at, at + " must be an object {email, primary, verified, active}"));
            return null;
        }
        JsonNode email = entry.get("email");
        if (email == null || !email.isTextual() || !Contacts.isEmail(email.asText())) {
            errors.add(FieldError.of(at + ".email", at + ".email must be a valid email address"));
            return null;
        }
        ObjectNode out = NODES.objectNode();
        out.put("email", email.asText().strip());
        return flags(entry, at, out, errors);
    }

    private static ObjectNode phone(JsonNode entry, String at, List<FieldError> errors) {
        if (!entry.isObject()) {
            errors.add(FieldError.of(at, at + " must be an object {phone, country_code, primary, verified, active}"));
            return null;
        }
        JsonNode phone = entry.get("phone");
        if (phone == null || !(phone.isTextual() || phone.isIntegralNumber()) || !Contacts.isPhone(phone.asText())) {
            errors.add(FieldError.of(at + ".phone", at + ".phone must be a phone number (digits, optionally with "
                    + "+, spaces, dots, dashes or brackets)"));
            return null;
        }
        ObjectNode out = NODES.objectNode();
        out.put("phone", phone.asText().strip());
        JsonNode code = entry.get("country_code");
        if (code != null && !code.isNull()) {
            if (!(code.isTextual() || code.isIntegralNumber()) || !Contacts.isCountryCode(code.asText())) {
                errors.add(FieldError.of(at + ".country_code", at + ".country_code must be a calling code such as "
                        + "91 or +91"));
                return null;
            }
            // Stored and shown as a number, as the SDK's PhoneNumber model has it.
            out.put("country_code", Integer.parseInt(code.asText().strip().replace("+", "")));
        }
        return flags(entry, at, out, errors);
    }

    private static ObjectNode flags(JsonNode entry, String at, ObjectNode out, List<FieldError> errors) {
        for (String flag : List.of("primary", "verified", "active")) {
            JsonNode value = entry.get(flag);
            if (value != null && !value.isNull() && !value.isBoolean()) {
                errors.add(FieldError.of(at + "." + flag, at + "." + flag + " must be true or false"));
                return null;
            }
            // An address given without flags is unverified and active.
            out.put(flag, value != null && value.isBoolean() ? value.booleanValue() : "active".equals(flag));
        }
        return out;
    }

    private static Name name(JsonNode body, String field, List<FieldError> errors) {
        if (!body.has(field)) {
            return null;
        }
        JsonNode value = body.get(field);
        if (value.isNull()) {
            return new Name(null);
        }
        if (!value.isTextual()) {
            errors.add(FieldError.of(field, field + " must be a string"));
            return null;
        }
        String text = value.asText().strip();
        String problem = TextRules.singleLineProblem(text, MAX_NAME_LENGTH);
        if (problem != null) {
            errors.add(FieldError.of(field, field + " " + problem));
            return null;
        }
        return new Name(text.isEmpty() ? null : text);
    }

    /**
     * A free properties object: at most {@code maxBytes} of JSON, every key and string acceptable text (PostgreSQL's
     * jsonb refuses NUL, and the values end up in exports). Null = an empty object.
     */
    static ObjectNode properties(JsonNode value, String field, int maxBytes, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return NODES.objectNode();
        }
        if (!value.isObject()) {
            errors.add(FieldError.of(field, field + " must be an object"));
            return null;
        }
        if (value.toString().getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            errors.add(FieldError.of(field, field + " must be at most " + maxBytes + " bytes of JSON"));
            return null;
        }
        String problem = textProblem(value);
        if (problem != null) {
            errors.add(FieldError.of(field, field + " " + (problem.startsWith("has ") ? problem
                    : "has a value that " + problem)));
            return null;
        }
        return (ObjectNode) value;
    }

    private static String textProblem(JsonNode node) {
        if (node.isTextual()) {
            return TextRules.problem(node.asText(), Integer.MAX_VALUE);
        }
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String problem = TextRules.problem(e.getKey(), Integer.MAX_VALUE);
                if (problem == null) {
                    problem = textProblem(e.getValue());
                }
                if (problem != null) {
                    return "has a key or value that " + problem;
                }
            }
        }
        if (node.isArray()) {
            for (JsonNode element : node) {
                String problem = textProblem(element);
                if (problem != null) {
                    return problem;
                }
            }
        }
        return null;
    }
}
