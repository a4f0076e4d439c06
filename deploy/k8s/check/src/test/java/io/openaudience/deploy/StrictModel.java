package io.openaudience.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MapperFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Parses one rendered object against the model of its kind, strictly: a field the model does not have (a typo, a
 * field of another API version) is an error, as is a kind without a model. Kubernetes kinds use the fabric8 model,
 * Strimzi's the io.strimzi:api model; both keep unknown fields in additionalProperties, which must stay empty.
 * CloudNativePG has no Java model: its Cluster is checked against cnpg-cluster-v1.yaml (FieldRules).
 */
final class StrictModel {

    private static final Map<String, Class<?>> MODELS = Map.ofEntries(
            Map.entry("v1/Namespace", io.fabric8.kubernetes.api.model.Namespace.class),
            Map.entry("v1/ConfigMap", io.fabric8.kubernetes.api.model.ConfigMap.class),
            Map.entry("v1/Service", io.fabric8.kubernetes.api.model.Service.class),
            Map.entry("v1/ServiceAccount", io.fabric8.kubernetes.api.model.ServiceAccount.class),
            Map.entry("apps/v1/Deployment", io.fabric8.kubernetes.api.model.apps.Deployment.class),
            Map.entry("autoscaling/v2/HorizontalPodAutoscaler",
                    io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler.class),
            Map.entry("policy/v1/PodDisruptionBudget",
                    io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class),
            Map.entry("batch/v1/Job", io.fabric8.kubernetes.api.model.batch.v1.Job.class),
            Map.entry("networking.k8s.io/v1/NetworkPolicy",
                    io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class),
            Map.entry("networking.k8s.io/v1/Ingress", io.fabric8.kubernetes.api.model.networking.v1.Ingress.class),
            Map.entry("gateway.networking.k8s.io/v1/Gateway",
                    io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway.class),
            Map.entry("gateway.networking.k8s.io/v1/HTTPRoute",
                    io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class),
            Map.entry("kafka.strimzi.io/v1beta2/Kafka", io.strimzi.api.kafka.model.kafka.Kafka.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaNodePool",
                    io.strimzi.api.kafka.model.nodepool.KafkaNodePool.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaTopic", io.strimzi.api.kafka.model.topic.KafkaTopic.class),
            Map.entry("kafka.strimzi.io/v1beta2/KafkaUser", io.strimzi.api.kafka.model.user.KafkaUser.class));

    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
            .build();
    private static final FieldRules CNPG_CLUSTER = FieldRules.load("cnpg-cluster-v1.yaml");

    private StrictModel() {
    }

    /** The problems of one object ("" = none): where a field is unknown or of the wrong type. */
    static List<String> problems(JsonNode object) {
        String type = object.path("apiVersion").asText() + "/" + object.path("kind").asText();
        String name = type + " " + object.path("metadata").path("name").asText();
        if ("postgresql.cnpg.io/v1/Cluster".equals(type)) {
            return CNPG_CLUSTER.check(object).stream().map(p -> name + ": " + p).toList();
        }
        Class<?> model = MODELS.get(type);
        if (model == null) {
            return List.of(name + ": no model for this kind (add one to StrictModel, or do not render it)");
        }
        Object parsed;
        try {
            parsed = MAPPER.treeToValue(object, model);
        } catch (IOException | IllegalArgumentException e) {
            return List.of(name + ": " + e.getMessage().lines().findFirst().orElse(""));
        }
        List<String> problems = new ArrayList<>();
        unknownFields(parsed, "", problems, new IdentityHashMap<>());
        return problems.stream().map(p -> name + ": unknown field " + p).toList();
    }

    /** Walks the parsed model and reports every non-empty additionalProperties (fields the model does not know). */
    private static void unknownFields(Object value, String path, List<String> problems, Map<Object, Boolean> seen) {
        if (value == null || value instanceof CharSequence || value instanceof Number || value instanceof Boolean
                || value instanceof Enum<?> || seen.put(value, Boolean.TRUE) != null) {
            return;
        }
        if (value instanceof Map<?, ?> map) {
            map.forEach((key, item) -> unknownFields(item, path + "." + key, problems, seen));
            return;
        }
        if (value instanceof Collection<?> items) {
            int i = 0;
            for (Object item : items) {
                unknownFields(item, path + "[" + i++ + "]", problems, seen);
            }
            return;
        }
        String className = value.getClass().getName();
        if (!className.startsWith("io.fabric8.kubernetes.api.model") && !className.startsWith("io.strimzi.api")) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0 || Modifier.isStatic(getter.getModifiers())
                    || getter.getDeclaringClass() == Object.class || !getter.getName().startsWith("get")) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                continue;
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    extra.keySet().forEach(key -> problems.add(path + "." + key));
                }
            } else {
                String property = Character.toLowerCase(getter.getName().charAt(3)) + getter.getName().substring(4);
                unknownFields(field, path + "." + property, problems, seen);
            }
        }
    }

    /**
     * Allowed fields and their types, from a YAML tree: a leaf names a type ({@code string}, {@code integer},
     * {@code boolean}, {@code quantity} = string or number, {@code enum a|b}), a one-item list is a list of that item,
     * a mapping lists the allowed fields ({@code "*"}: any key), and a key ending in "!" is required.
     */
    static final class FieldRules {

        private final JsonNode rules;

        private FieldRules(JsonNode rules) {
            this.rules = rules;
        }

        static FieldRules load(String resource) {
            try (InputStream in = StrictModel.class.getResourceAsStream("/" + resource)) {
                return new FieldRules(new ObjectMapper(new YAMLFactory()).readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        List<String> check(JsonNode object) {
            List<String> problems = new ArrayList<>();
            check(rules, object, "", problems);
            return problems;
        }

        private static void check(JsonNode rule, JsonNode value, String path, List<String> problems) {
            if (rule.isTextual()) {
                String type = rule.asText();
                boolean ok = switch (type.split(" ")[0]) {
                    case "string" -> value.isTextual();
                    case "integer" -> value.isIntegralNumber();
                    case "boolean" -> value.isBoolean();
                    case "quantity" -> value.isTextual() || value.isNumber();
                    case "enum" -> value.isTextual() && Set.of(type.substring(5).split("\\|")).contains(value.asText());
                    default -> throw new IllegalStateException("unknown rule type " + type + " at " + path);
                };
                if (!ok) {
                    problems.add(path + ": expected " + type + ", got " + value);
                }
            } else if (rule.isArray()) {
                if (!value.isArray()) {
                    problems.add(path + ": expected a list, got " + value);
                    return;
                }
                for (int i = 0; i < value.size(); i++) {
                    check(rule.get(0), value.get(i), path + "[" + i + "]", problems);
                }
            } else {
                if (!value.isObject()) {
                    problems.add(path + ": expected an object, got " + value);
                    return;
                }
                for (Iterator<String> it = rule.fieldNames(); it.hasNext(); ) {
                    String key = it.next();
                    if (key.endsWith("!") && !value.has(key.substring(0, key.length() - 1))) {
                        problems.add(path + "." + key.substring(0, key.length() - 1) + ": required");
                    }
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    JsonNode fieldRule = rule.has(field.getKey()) ? rule.get(field.getKey())
                            : rule.has(field.getKey() + "!") ? rule.get(field.getKey() + "!") : rule.get("*");
                    if (fieldRule == null) {
                        problems.add(path + "." + field.getKey() + ": unknown field");
                    } else {
                        check(fieldRule, field.getValue(), path + "." + field.getKey(), problems);
                    }
                }
            }
        }
    }
}
