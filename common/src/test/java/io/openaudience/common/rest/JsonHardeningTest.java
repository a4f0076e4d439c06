package io.openaudience.common.rest;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JSON every service accepts: the refusals {@link JsonHardening} adds, each naming where. */
class JsonHardeningTest {

    /** A request body with one string and one free-form tree. */
    record Body(String name, JsonNode properties, List<String> tags) {
    }

    private static ObjectMapper mapper() {
        ObjectMapper mapper = new ObjectMapper();
        new JsonHardening().customize(mapper);
        return mapper;
    }

    @Test
    void plainTextTabsAndNewlinesStillPass() throws Exception {
        Body body = mapper().readValue("{\"name\":\"a\\tb\\nc\",\"properties\":{\"k\":[\"x\\r\\n\"]},\"tags\":[\"t\"]}",
                Body.class);
        assertEquals("a\tb\nc", body.name());
        assertEquals("x\r\n", body.properties().get("k").get(0).asText());
    }

    @Test
    void aNulInAStringFieldNamesTheField() {
        MismatchedInputException e = assertThrows(JsonHardening.BadTextException.class,
                () -> mapper().readValue("{\"name\":\"a\\u0000b\"}", Body.class));
        assertEquals("name", e.getPath().get(0).getFieldName());
        assertTrue(e.getOriginalMessage().contains("control character (U+0000)"), e.getOriginalMessage());
    }

    @Test
    void controlCharactersInsideATreeOrAListAreRefused() {
        MismatchedInputException e = assertThrows(JsonHardening.BadTextException.class,
                () -> mapper().readValue("{\"properties\":{\"a\":{\"b\":[\"ok\",\"\\u0007\"]}}}", Body.class));
        assertEquals("properties", e.getPath().get(0).getFieldName());
        assertEquals(".a.b[1]", ((JsonHardening.BadTextException) e).innerPath());
        assertTrue(e.getOriginalMessage().startsWith("contains a control character"), e.getOriginalMessage());
        assertThrows(JsonHardening.BadTextException.class,
                () -> mapper().readValue("{\"properties\":{\"k\\u0000\":1}}", Body.class));
        assertThrows(JsonHardening.BadTextException.class,
                () -> mapper().readValue("{\"tags\":[\"\\u001f\"]}", Body.class));
        assertThrows(JsonHardening.BadTextException.class,
                () -> mapper().readValue("\"\\ud800\"", String.class));
    }

    @Test
    void duplicateKeysTrailingGarbageAndDeepNestingAreRefused() {
        JsonParseException duplicate = assertThrows(JsonParseException.class,
                () -> mapper().readValue("{\"name\":\"a\",\"name\":\"b\"}", Body.class));
        assertTrue(duplicate.getOriginalMessage().startsWith("Duplicate field 'name'"));
        MismatchedInputException trailing = assertThrows(MismatchedInputException.class,
                () -> mapper().readValue("{\"name\":\"a\"} {}", Body.class));
        assertTrue(trailing.getOriginalMessage().startsWith("Trailing token"), trailing.getOriginalMessage());
        String deep = "[".repeat(JsonHardening.MAX_NESTING_DEPTH + 1) + "]".repeat(JsonHardening.MAX_NESTING_DEPTH + 1);
        // A free-form tree reports the limit as a parse error that carries the parser (its position names the field).
        JsonParseException tooDeep = assertThrows(JsonParseException.class, () -> mapper().readValue(deep, JsonNode.class));
        assertTrue(tooDeep.getCause() instanceof StreamConstraintsException, String.valueOf(tooDeep.getCause()));
        assertThrows(StreamConstraintsException.class, () -> mapper().readValue(deep, Object.class));
    }

    @Test
    void nullStaysNull() throws Exception {
        Body body = mapper().readValue("{\"name\":null,\"properties\":null}", Body.class);
        assertEquals(null, body.name());
        assertTrue(body.properties() == null || body.properties().isNull());
        assertEquals(Map.of("a", 1), mapper().readValue("{\"a\":1}", Map.class));
        assertEquals(null, mapper().readValue("{}", Body.class).properties(), "absent stays null");
    }

    /** A body with a flag and a count. */
    record Flags(Boolean flag, Integer count) {
    }

    @Test
    void anIntegerIsNoBooleanAndAFractionNoInteger() throws Exception {
        MismatchedInputException notBoolean = assertThrows(MismatchedInputException.class,
                () -> mapper().readValue("{\"flag\":7}", Flags.class));
        assertEquals("flag", notBoolean.getPath().get(0).getFieldName());
        MismatchedInputException notInteger = assertThrows(MismatchedInputException.class,
                () -> mapper().readValue("{\"count\":2.5}", Flags.class));
        assertEquals("count", notInteger.getPath().get(0).getFieldName());
        assertEquals(new Flags(true, 3), mapper().readValue("{\"flag\":true,\"count\":3}", Flags.class));
    }
    @Test
    void aBodyRefusedAtTheLimitIsNotReadOnButASmallerOneIsReadToItsEnd() {
        long limit = 10L * 1024 * 1024;
        // 64 MiB offered, refused at the 10 MiB document limit: closing reads no further than just past the limit.
        Source huge = new Source(64L * 1024 * 1024, "[", "\"" + "a".repeat(100) + "\",");
        JsonParseException e = assertThrows(JsonParseException.class, () -> mapper().readValue(huge, JsonNode.class));
        assertTrue(e.getOriginalMessage().startsWith("Document length"), e.getOriginalMessage());
        assertTrue(huge.read > limit && huge.read < limit + 64 * 1024, huge.read + " bytes read");
        assertTrue(!huge.closed, "a body beyond the limit is left unread, not drained by close");
        // Malformed early, 1 MiB long: the rest is read (the connection can serve the next request) and closed.
        Source small = new Source(1024 * 1024, "{\"a\":1x", " ");
        assertThrows(JsonParseException.class, () -> mapper().readValue(small, JsonNode.class));
        assertEquals(1024 * 1024, small.read);
        assertTrue(small.closed);
    }

    /** A body of {@code length} bytes, {@code head} then {@code piece} again and again, produced as it is read. */
    private static final class Source extends java.io.InputStream {
        private final long length;
        private final byte[] head;
        private final byte[] piece;
        long read;
        boolean closed;

        Source(long length, String head, String piece) {
            this.length = length;
            this.head = head.getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.piece = piece.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0];
        }

        @Override
        public int read(byte[] buffer, int offset, int count) {
            if (read >= length) {
                return -1;
            }
            int n = (int) Math.min(count, length - read);
            for (int i = 0; i < n; i++) {
                long at = read + i;
                buffer[offset + i] = at < head.length ? head[(int) at] : piece[(int) ((at - head.length) % piece.length)];
            }
            read += n;
            return n;
        }

        @Override
        public void close() {
            closed = true;
        }
    }
}
