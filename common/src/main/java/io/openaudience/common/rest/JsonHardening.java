package io.openaudience.common.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.type.LogicalType;
import io.openaudience.common.text.TextRules;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.configuration.MemorySize;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * What every service accepts as JSON, decided once: no duplicate keys, nothing after the document, bounded nesting and
 * sizes, no integer for a boolean nor a fraction for an integer, and no NUL or other C0 control character (except tab,
 * CR, LF) in any string or key — PostgreSQL refuses NUL in text and JSONB, so such a value would otherwise fail deep
 * inside a write as a 500. Each refusal is a
 * {@link com.fasterxml.jackson.core.JsonProcessingException} that {@code ErrorMappers} answers as a 400 naming the field.
 */
@Singleton
public class JsonHardening implements ObjectMapperCustomizer {

    /** Deepest nesting of objects and arrays in a request body. */
    public static final int MAX_NESTING_DEPTH = 64;
    /** Longest single string value, in characters (bodies are also capped by the HTTP layer). */
    public static final int MAX_STRING_LENGTH = 1_000_000;
    /**
     * Most tokens in one document, so that a huge array is refused while it is parsed rather than bound: the largest
     * legitimate bodies (1,000 members or events) hold tens of thousands; 10 MiB of {@code {},} hold 7 million.
     */
    public static final long MAX_TOKEN_COUNT = 1_000_000;

    private final long maxDocumentLength;

    /**
     * @param maxBodySize the JSON body limit of {@link BodyLimits}, applied again by the parser as it reads, so that a
     *                    chunked body (no declared length) or a huge array is refused before it is bound.
     */
    @Inject
    public JsonHardening(@ConfigProperty(name = "openaudience.http.max-json-body-size", defaultValue = "10M")
                         MemorySize maxBodySize) {
        this.maxDocumentLength = maxBodySize.asLongValue();
    }

    JsonHardening() {
        this(new MemorySize(java.math.BigInteger.valueOf(10L * 1024 * 1024)));
    }

    @Override
    public void customize(ObjectMapper mapper) {
        mapper.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
        mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
        // A wrong scalar type is refused rather than guessed at: 1 is not a boolean, 2.5 is not an integer.
        mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.coercionConfigFor(LogicalType.Boolean).setCoercion(CoercionInputShape.Integer, CoercionAction.Fail);
        mapper.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxNestingDepth(MAX_NESTING_DEPTH)
                .maxStringLength(MAX_STRING_LENGTH)
                .maxNumberLength(100)
                .maxDocumentLength(maxDocumentLength)
                .maxTokenCount(MAX_TOKEN_COUNT)
                .build());
        SimpleModule module = new SimpleModule("openaudience-text-rules");
        module.addDeserializer(String.class, new CheckedString());
        module.addDeserializer(JsonNode.class, new CheckedTree());
        mapper.registerModule(module);
    }

    /** A string value Jackson bound, or an error naming its field when {@link TextRules} refuses it. */
    static final class CheckedString extends StdDeserializer<String> {

        CheckedString() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String value = StringDeserializer.instance.deserialize(p, ctxt);
            if (value != null) {
                String problem = TextRules.problem(value, Integer.MAX_VALUE);
                if (problem != null) {
                    throw new BadTextException(p, problem, "");
                }
            }
            return value;
        }
    }

    /** A JSON tree (free-form properties, attribute values) whose every string and key {@link TextRules} accepts. */
    static final class CheckedTree extends StdDeserializer<JsonNode> {

        @SuppressWarnings("unchecked")
        private final JsonDeserializer<JsonNode> trees =
                (JsonDeserializer<JsonNode>) JsonNodeDeserializer.getDeserializer(JsonNode.class);

        CheckedTree() {
            super(JsonNode.class);
        }

        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree;
            try {
                tree = trees.deserialize(p, ctxt);
            } catch (StreamConstraintsException e) {
                // Carries the parser, so that the error names the field holding the too-long string or too-deep tree.
                throw new JsonParseException(p, e.getOriginalMessage(), e);
            }
            check(p, tree, "");
            return tree;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctxt) throws JsonMappingException {
            return trees.getNullValue(ctxt);
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) throws JsonMappingException {
            // Absent stays null and an explicit null stays NullNode, as without this wrapper: services tell them apart.
            return trees.getAbsentValue(ctxt);
        }

        private static void check(JsonParser p, JsonNode node, String at) throws IOException {
            if (node.isTextual()) {
                String problem = TextRules.problem(node.textValue(), Integer.MAX_VALUE);
                if (problem != null) {
                    throw new BadTextException(p, problem, at);
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    check(p, node.get(i), at + "[" + i + "]");
                }
            } else if (node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    String key = at + "." + field.getKey();
                    String problem = TextRules.problem(field.getKey(), Integer.MAX_VALUE);
                    if (problem != null) {
                        throw new BadTextException(p, "the key " + problem, key);
                    }
                    check(p, field.getValue(), key);
                }
            }
        }
    }

    /**
     * A string the platform does not store (see {@link TextRules}); the message says why. Inside a JSON tree,
     * {@link #innerPath()} locates it below the field Jackson's own path names ({@code ".plan"}, {@code "[2].k"}).
     */
    public static final class BadTextException extends MismatchedInputException {

        private final String innerPath;

        BadTextException(JsonParser p, String message, String innerPath) {
            super(p, message);
            this.innerPath = innerPath;
        }

        public String innerPath() {
            return innerPath;
        }
    }
}
