package io.openaudience.common.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.io.InputDecorator;
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

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
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
        mapper.getFactory().setInputDecorator(new BoundedDrain(maxDocumentLength));
        SimpleModule module = new SimpleModule("openaudience-text-rules");
        module.addDeserializer(String.class, new CheckedString());
        module.addDeserializer(JsonNode.class, new CheckedTree());
        mapper.registerModule(module);
    }

    /**
     * Wraps each request body the parser reads. Closing the body reads what is left of it (the HTTP layer's stream
     * does, so the connection can serve the next request): without a bound, a body refused at the 10 MiB document
     * limit (or malformed early) would be read to the service's whole HTTP limit, 320M in segments-service, before the
     * refusal is answered. So the rest is read only while the body stays within the document limit; beyond it, it is
     * left unread and {@link BodyLimits#closeUnreadBody} closes the connection after the answer.
     */
    static final class BoundedDrain extends InputDecorator {

        private final long limit;

        BoundedDrain(long limit) {
            this.limit = limit;
        }

        @Override
        public InputStream decorate(IOContext ctxt, InputStream in) {
            return new FilterInputStream(in) {
                private long read;

                @Override
                public int read() throws IOException {
                    int b = in.read();
                    read += b < 0 ? 0 : 1;
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) throws IOException {
                    int n = in.read(buffer, offset, length);
                    read += Math.max(n, 0);
                    return n;
                }

                @Override
                public void close() throws IOException {
                    byte[] rest = new byte[8192];
                    while (read <= limit) {
                        int n = in.read(rest, 0, (int) Math.min(rest.length, limit + 1 - read));
                        if (n < 0) {
                            in.close();
                            return;
                        }
                        read += n;
                    }
                }
            };
        }

        @Override
        public InputStream decorate(IOContext ctxt, byte[] src, int offset, int length) {
            return null;
        }

        @Override
        public Reader decorate(IOContext ctxt, Reader r) {
            return r;
        }
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
