package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterException;
import io.openaudience.audience.filter.FyndConditions;
import io.openaudience.audience.repository.DefinitionRuleRepository;
import io.openaudience.audience.repository.UserFilterRepository;
import io.openaudience.audience.repository.UserFilterRepository.AttributeRow;
import io.openaudience.audience.repository.UserFilterRepository.Contact;
import io.openaudience.audience.repository.UserFilterRepository.PersonRow;
import io.openaudience.common.audience.Contacts;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Row 26 ({@code POST …/user_attribute/users}): the people whose attribute values meet Fynd conditions, a page at a
 * time with the exact total. The conditions mean what they mean for a conditional group (the same engine,
 * {@link FyndConditions}); the body is API.md's {@code {conditions, type, page_no, page_size}} or the Fynd SDK's
 * {@code {query: {conditions, type, page, limit, email?, phone?, definition_ids?}}}.
 */
@ApplicationScoped
public class UserFilterService {

    /** Most definitions whose values a page may show for each person. */
    public static final int MAX_DEFINITION_IDS = 100;
    private static final int MAX_PAGE_SIZE = 100;
    private static final int DEFAULT_PAGE_SIZE = 10;

    private final DefinitionRuleRepository definitions;
    private final UserFilterRepository people;

    public UserFilterService(DefinitionRuleRepository definitions, UserFilterRepository people) {
        this.definitions = definitions;
        this.people = people;
    }

    /**
     * A page of selected people, which page it is, how many the filter selects, and their values of the requested
     * definitions (null when the request named none).
     */
    public record FilteredPage(List<PersonRow> people, List<AttributeRow> attributes, int pageNo, int pageSize,
                               long total) {
    }

    /** The request in either shape, its fields named as the client wrote them ({@code query.limit}, …). */
    private record Request(String at, JsonNode conditions, JsonNode type, int pageNo, int pageSize, Contact contact,
                           List<String> definitionIds) {
    }

    /** Row 26; bad input is a 400 naming the field ({@code conditions[2].value}, {@code query.page}, …). */
    public Uni<FilteredPage> filter(Tenant tenant, JsonNode body) {
        Request request = read(body);
        return definitions.forFilters(tenant).chain(known -> {
            FilterContext context = FilterContext.of(tenant.companyId(), tenant.applicationId(), known,
                    Instant.now());
            Filter filter;
            try {
                filter = FyndConditions.parse(request.conditions(), request.type(), context);
            } catch (FilterException e) {
                String field = request.at() + e.path();
                throw ApiException.badRequest(field + ": " + e.reason(), List.of(FieldError.of(field, e.reason())));
            }
            long offset = (long) (request.pageNo() - 1) * request.pageSize();
            return people.snapshot(db -> people.count(db, filter, context, request.contact())
                    .chain(total -> people.page(db, filter, context, request.contact(), request.pageSize(), offset)
                            .chain(page -> values(db, tenant, page, request.definitionIds())
                                    .map(values -> new FilteredPage(page, values, request.pageNo(),
                                            request.pageSize(), total)))));
        });
    }

    /** The people's values of the requested definitions; null when none were requested. */
    private Uni<List<AttributeRow>> values(SqlConnection db, Tenant tenant, List<PersonRow> page,
                                           List<String> definitionIds) {
        if (definitionIds == null) {
            return Uni.createFrom().nullItem();
        }
        return people.attributes(db, tenant, page.stream().map(PersonRow::pk).toList(), definitionIds);
    }

    private static Request read(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.badRequest("body", "a JSON object {conditions, type, page_no, page_size} is required");
        }
        boolean sdk = body.has("query");
        JsonNode q = sdk ? body.get("query") : body;
        String at = sdk ? "query." : "";
        if (!q.isObject()) {
            throw ApiException.badRequest("query", "must be an object {type, limit, page, conditions}");
        }
        List<FieldError> errors = new ArrayList<>();
        if (q.get("conditions") == null || q.get("conditions").isNull()) {
            errors.add(FieldError.of(at + "conditions", "is required (an empty list selects everyone)"));
        }
        int pageNo = whole(q.get(sdk ? "page" : "page_no"), at + (sdk ? "page" : "page_no"), 1, 1,
                Integer.MAX_VALUE, errors);
        int pageSize = whole(q.get(sdk ? "limit" : "page_size"), at + (sdk ? "limit" : "page_size"),
                DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE, errors);
        String email = text(q.get("email"), at + "email", errors);
        String emailProblem = email == null ? null : TextRules.singleLineProblem(email, Contacts.MAX_EMAIL_LENGTH);
        if (emailProblem != null) {
            errors.add(FieldError.of(at + "email", emailProblem));
            email = null;
        }
        String phone = text(q.get("phone"), at + "phone", errors);
        String digits = phone == null ? null : phone.replaceAll("[^0-9]", "");
        if (digits != null && (digits.isEmpty() || digits.length() > 32)) {
            errors.add(FieldError.of(at + "phone", "must hold 1 to 32 digits"));
        }
        List<String> ids = definitionIds(q.get("definition_ids"), at + "definition_ids", errors);
        GroupRules.rejectIfAny(errors);
        return new Request(at, q.get("conditions"), q.get("type"), pageNo, pageSize,
                new Contact(email == null ? null : Contacts.emailKey(email), digits), ids);
    }

    /** A whole number (JSON or numeric text) from min to max; absent, null or empty → fallback. */
    private static int whole(JsonNode value, String field, int fallback, int min, int max, List<FieldError> errors) {
        if (value == null || value.isNull() || value.isTextual() && value.textValue().isBlank()) {
            return fallback;
        }
        long n;
        if (value.isIntegralNumber() && value.canConvertToLong()) {
            n = value.longValue();
        } else if (value.isTextual() && value.textValue().strip().matches("[0-9]{1,10}")) {
            n = Long.parseLong(value.textValue().strip());
        } else {
            errors.add(FieldError.of(field, "must be a whole number"));
            return fallback;
        }
        if (n < min || n > max) {
            errors.add(FieldError.of(field, "must be between " + min + " and " + max));
            return fallback;
        }
        return (int) n;
    }

    /** An optional string; empty = absent (the SDK sends empty optionals). */
    private static String text(JsonNode value, String field, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(FieldError.of(field, "must be a string"));
            return null;
        }
        return value.textValue().isBlank() ? null : value.textValue().strip();
    }

    /**
     * The definitions whose values to show: 24-hex ids, at most {@value #MAX_DEFINITION_IDS}, repeats dropped; null
     * when none are asked for.
     */
    private static List<String> definitionIds(JsonNode value, String field, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isArray()) {
            errors.add(FieldError.of(field, "must be a list of attribute definition ids"));
            return List.of();
        }
        if (value.size() > MAX_DEFINITION_IDS) {
            errors.add(FieldError.of(field, "at most " + MAX_DEFINITION_IDS + " ids"));
            return List.of();
        }
        Set<String> ids = new LinkedHashSet<>();
        for (int i = 0; i < value.size(); i++) {
            JsonNode id = value.get(i);
            if (id.isTextual() && id.textValue().isEmpty()) {
                continue;
            }
            if (!id.isTextual() || !ObjectIds.isObjectId(id.textValue())) {
                errors.add(FieldError.of(field + "[" + i + "]", "must be an attribute definition id (24 hex digits)"));
            } else {
                ids.add(id.textValue());
            }
        }
        return List.copyOf(ids);
    }
}
