package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.GroupRequests.AttributeValue;
import io.openaudience.audience.GroupRequests.BulkAttributeUpdate;
import io.openaudience.audience.Job;
import io.openaudience.audience.JobType;
import io.openaudience.audience.repository.DefinitionRuleRepository;
import io.openaudience.audience.repository.DefinitionRuleRepository.DefinitionRule;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.TextRules;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Accepts attribute bulk updates (row 6): every key resolved and every value checked with {@link AttributeRules} now,
 * so the worker only applies valid values, then the {@code attribute_bulk_update} job queued with its message.
 */
@ApplicationScoped
public class AttributeBulkUpdateService {

    /** Most attributes one bulk update sets. */
    public static final int MAX_ATTRIBUTES = 100;
    private static final int MAX_KEY_LENGTH = 255;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final DefinitionRuleRepository definitions;
    private final JobIntake intake;
    private final AttributeCipher cipher;

    public AttributeBulkUpdateService(DefinitionRuleRepository definitions, JobIntake intake, AttributeCipher cipher) {
        this.definitions = definitions;
        this.intake = intake;
        this.cipher = cipher;
    }

    public Uni<Job> accept(Tenant tenant, String actor, BulkAttributeUpdate request) {
        if (request == null) {
            throw ApiException.badRequest("body", "a JSON body {file_url, attributes} is required");
        }
        List<FieldError> errors = GroupRules.problems();
        String fileUrl = GroupRules.fileUrl(request.fileUrl(), "file_url", errors);
        List<AttributeValue> attributes = request.attributes();
        if (attributes == null || attributes.isEmpty()) {
            errors.add(FieldError.of("attributes", "at least one {key, value} is required"));
        } else if (attributes.size() > MAX_ATTRIBUTES) {
            errors.add(FieldError.of("attributes", "at most " + MAX_ATTRIBUTES + " attributes"));
        } else {
            for (int i = 0; i < attributes.size(); i++) {
                AttributeValue item = attributes.get(i);
                String at = "attributes[" + i + "]";
                if (item == null) {
                    errors.add(FieldError.of(at, "must be an object {key, value}"));
                } else if (item.key() == null || item.key().isBlank()) {
                    errors.add(FieldError.of(at + ".key", "is required"));
                } else {
                    String problem = TextRules.singleLineProblem(item.key().strip(), MAX_KEY_LENGTH);
                    if (problem != null) {
                        errors.add(FieldError.of(at + ".key", problem));
                    }
                }
            }
        }
        GroupRules.rejectIfAny(errors);
        List<String> keys = new ArrayList<>(new LinkedHashSet<>(attributes.stream().map(a -> a.key().strip())
                .toList()));
        return definitions.byKeys(tenant, keys)
                .map(found -> params(tenant, attributes, found))
                .chain(params -> intake.committed(() -> intake.enqueue(tenant, actor, JobIntake.newJobId(),
                        JobType.ATTRIBUTE_BULK_UPDATE, null, fileUrl, params)));
    }

    /**
     * The job's params, {@code {"attributes":[{"definition_id", "value"}]}}, or a 400 naming each bad entry; the value
     * of an {@code encrypted_*} definition travels sealed ({@code "sealed_value": "keyId:base64"}), never in clear.
     */
    private ObjectNode params(Tenant tenant, List<AttributeValue> attributes, List<DefinitionRule> found) {
        Map<String, DefinitionRule> bySlug = new HashMap<>();
        Map<String, DefinitionRule> byId = new HashMap<>();
        for (DefinitionRule d : found) {
            bySlug.put(d.slug(), d);
            byId.put(d.id(), d);
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        ArrayNode out = NODES.arrayNode();
        for (int i = 0; i < attributes.size(); i++) {
            String at = "attributes[" + i + "]";
            String key = attributes.get(i).key().strip();
            DefinitionRule definition = bySlug.containsKey(key) ? bySlug.get(key) : byId.get(key);
            if (definition == null) {
                errors.add(FieldError.of(at + ".key", "no attribute definition has this slug or _id"));
                continue;
            }
            Integer first = seen.putIfAbsent(definition.id(), i);
            if (first != null) {
                errors.add(FieldError.of(at + ".key", "names the same definition as attributes[" + first + "]"));
                continue;
            }
            AttributeType type = AttributeType.of(definition.type()).orElseThrow(() -> new IllegalStateException(
                    "definition " + definition.id() + " has an unknown type " + definition.type()));
            try {
                JsonNode value = AttributeRules.normalize(type, AttributeRules.storedValidations(
                        definition.validations()), attributes.get(i).value());
                ObjectNode entry = out.addObject().put("definition_id", definition.id());
                if (type.encrypted()) {
                    entry.put("sealed_value", cipher.sealText(value.toString(), tenant.companyId(),
                            tenant.applicationId(), definition.id()));
                } else {
                    entry.set("value", value);
                }
            } catch (InvalidAttributeValueException e) {
                errors.add(FieldError.of(at + ".value" + (e.path() == null ? "" : e.path()), e.getMessage()));
            }
        }
        GroupRules.rejectIfAny(errors);
        ObjectNode params = NODES.objectNode();
        params.set("attributes", out);
        return params;
    }
}
