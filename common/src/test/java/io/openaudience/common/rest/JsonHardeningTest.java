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
}
