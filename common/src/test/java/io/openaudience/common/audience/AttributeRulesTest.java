package io.openaudience.common.audience;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.error.FieldError;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Types and validations of attribute values, as every write path applies them. */
class AttributeRulesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws Exception {
        return JSON.readTree(text);
    }

    private static List<AttributeRules.Validation> validations(AttributeType type, String json) throws Exception {
        List<FieldError> errors = new ArrayList<>();
        List<AttributeRules.Validation> parsed = AttributeRules.checkValidations(type, json(json), errors);
        assertEquals(List.of(), errors);
        return parsed;
    }

    private static String rejection(AttributeType type, List<AttributeRules.Validation> v, String value) {
        return assertThrows(InvalidAttributeValueException.class,
                () -> AttributeRules.normalize(type, v, json(value))).getMessage();
    }

    @Test
    void numbersAreNormalizedAndBounded() throws Exception {
        var v = validations(AttributeType.NUMBER, "[{\"type\":\"min\",\"value\":1},{\"type\":\"max\",\"value\":\"10.5\"}]");
        assertEquals("5", AttributeRules.normalize(AttributeType.NUMBER, v, json("5.0")).toString());
        assertEquals("7", AttributeRules.normalize(AttributeType.NUMBER, v, json("\"7\"")).toString());
        assertEquals("10.5", AttributeRules.normalize(AttributeType.NUMBER, v, json("10.50")).toString());
        assertEquals("must be at least 1", rejection(AttributeType.NUMBER, v, "0"));
        assertEquals("must be at most 10.5", rejection(AttributeType.NUMBER, v, "11"));
        assertEquals("must be a number", rejection(AttributeType.NUMBER, v, "\"ten\""));
        assertEquals("must be a number", rejection(AttributeType.NUMBER, v, "true"));
        assertEquals("is required", rejection(AttributeType.NUMBER, v, "null"));
    }

    @Test
    void stringsCheckLengthRegexAndControlCharacters() throws Exception {
        var v = validations(AttributeType.STRING, "[{\"type\":\"min_length\",\"value\":2},"
                + "{\"type\":\"max_length\",\"value\":5},{\"type\":\"regex\",\"value\":\"[a-z]+\"}]");
        assertEquals("\"abc\"", AttributeRules.normalize(AttributeType.STRING, v, json("\"abc\"")).toString());
        assertEquals("must be at least 2 characters long", rejection(AttributeType.STRING, v, "\"a\""));
        assertEquals("must be at most 5 characters long", rejection(AttributeType.STRING, v, "\"abcdef\""));
        assertEquals("must match [a-z]+", rejection(AttributeType.STRING, v, "\"ab1\""));
        assertEquals("must be a string", rejection(AttributeType.STRING, v, "12"));
        assertTrue(rejection(AttributeType.STRING, List.of(), "\"a\\u0000b\"").contains("control character"));
        assertTrue(rejection(AttributeType.STRING, List.of(), "\"\\ud800\"").contains("surrogate"));
    }

    @Test
    void aCatastrophicRegexGivesUpInsteadOfHanging() throws Exception {
        var v = validations(AttributeType.STRING, "[{\"type\":\"regex\",\"value\":\"(a+)+b\"}]");
        long started = System.nanoTime();
        assertEquals("must match (a+)+b", rejection(AttributeType.STRING, v, "\"" + "a".repeat(40) + "\""));
        assertTrue(System.nanoTime() - started < 5_000_000_000L);
    }

    @Test
    void datesAreIsoAndNormalizedToUtcMillis() throws Exception {
        var v = validations(AttributeType.DATE, "[{\"type\":\"min_date\",\"value\":\"2020-01-01\"},"
                + "{\"type\":\"max_date\",\"value\":\"2030-01-01T00:00:00+00:00\"}]");
        assertEquals("\"2024-05-01T00:00:00.000Z\"",
                AttributeRules.normalize(AttributeType.DATE, v, json("\"2024-05-01\"")).toString());
        assertEquals("\"2024-05-01T08:30:00.000Z\"",
                AttributeRules.normalize(AttributeType.DATE, v, json("\"2024-05-01T10:30:00+02:00\"")).toString());
        assertEquals("must be on or after 2020-01-01T00:00:00.000Z", rejection(AttributeType.DATE, v, "\"2019-12-31\""));
        assertEquals("must be on or before 2030-01-01T00:00:00.000Z", rejection(AttributeType.DATE, v, "\"2031-01-01\""));
        assertTrue(rejection(AttributeType.DATE, v, "\"01/05/2024\"").startsWith("must be an ISO-8601 date"));
    }

    @Test
    void booleansAcceptJsonAndText() throws Exception {
        assertEquals("true", AttributeRules.normalize(AttributeType.BOOLEAN, List.of(), json("\"TRUE\"")).toString());
        assertEquals("false", AttributeRules.normalize(AttributeType.BOOLEAN, List.of(), json("false")).toString());
        assertEquals("must be true or false", rejection(AttributeType.BOOLEAN, List.of(), "1"));
    }

    @Test
    void arraysCheckEveryElementAndNameIt() throws Exception {
        var v = validations(AttributeType.NUMBER_ARRAY, "[{\"type\":\"max\",\"value\":3}]");
        assertEquals("[1,2]", AttributeRules.normalize(AttributeType.NUMBER_ARRAY, v, json("[1,\"2\"]")).toString());
        InvalidAttributeValueException e = assertThrows(InvalidAttributeValueException.class,
                () -> AttributeRules.normalize(AttributeType.NUMBER_ARRAY, v, json("[1,4]")));
        assertEquals("[1]", e.path());
        assertEquals("must be at most 3", e.getMessage());
        assertEquals("must be an array", rejection(AttributeType.STRING_ARRAY, List.of(), "\"a\""));
        assertEquals("[\"a\",\"b\"]",
                AttributeRules.normalizeText(AttributeType.STRING_ARRAY, List.of(), "a, b").toString());
        assertEquals("[\"a,b\",\"c\"]",
                AttributeRules.normalizeText(AttributeType.ENCRYPTED_STRING_ARRAY, List.of(), "[\"a,b\",\"c\"]")
                        .toString());
        assertEquals("[]", AttributeRules.normalizeText(AttributeType.NUMBER_ARRAY, List.of(), "").toString());
    }

    @Test
    void badValidationsAreNamed() throws Exception {
        List<FieldError> errors = new ArrayList<>();
        AttributeRules.checkValidations(AttributeType.STRING, json("[{\"type\":\"regex\",\"value\":\"[unclosed\"},"
                + "{\"type\":\"min\",\"value\":1},{\"type\":\"nonsense\"},{\"type\":\"max_length\",\"value\":-1}]"),
                errors);
        assertEquals(4, errors.size());
        assertEquals("validations[0].value", errors.get(0).field());
        assertTrue(errors.get(0).message().startsWith("is not a valid regular expression"));
        assertEquals("validations[1].type", errors.get(1).field());
        assertEquals("validations[2].type", errors.get(2).field());
        assertEquals("validations[3].value", errors.get(3).field());
        errors.clear();
        AttributeRules.checkValidations(AttributeType.BOOLEAN, json("{}"), errors);
        assertEquals("validations", errors.get(0).field());
    }

    @Test
    void cipherRoundTripsRotatesAndBindsToTheDefinition() {
        String k1 = java.util.Base64.getEncoder().encodeToString(new byte[32]);
        byte[] raw2 = new byte[32];
        raw2[0] = 7;
        String k2 = java.util.Base64.getEncoder().encodeToString(raw2);
        AttributeCipher old = AttributeCipher.of("k1:" + k1, "k1");
        AttributeCipher.Sealed sealedOld = old.seal("\"secret\"", "c", "a", "d1");
        AttributeCipher rotated = AttributeCipher.of("k1:" + k1 + ",k2:" + k2, "k2");
        AttributeCipher.Sealed sealedNew = rotated.seal("42", "c", "a", "d1");
        assertEquals("k2", sealedNew.keyId());
        assertEquals("\"secret\"", rotated.open(sealedOld.keyId(), sealedOld.bytes(), "c", "a", "d1"));
        assertEquals("42", rotated.open("k2", sealedNew.bytes(), "c", "a", "d1"));
        assertThrows(IllegalStateException.class, () -> rotated.open("k2", sealedNew.bytes(), "c", "a", "d2"));
        assertThrows(IllegalStateException.class, () -> old.open("k2", sealedNew.bytes(), "c", "a", "d1"));
        byte[] tampered = sealedNew.bytes().clone();
        tampered[tampered.length - 1] ^= 1;
        assertThrows(IllegalStateException.class, () -> rotated.open("k2", tampered, "c", "a", "d1"));
        assertThrows(IllegalArgumentException.class, () -> AttributeCipher.of("k1:AAAA", "k1"));
        assertThrows(IllegalArgumentException.class, () -> AttributeCipher.of("k1:" + k1, "k9"));
    }

    @Test
    void objectIdsHaveFyndsShape() {
        String id = ObjectIds.next();
        assertTrue(ObjectIds.isObjectId(id), id);
        assertFalse(ObjectIds.isObjectId("xyz"));
        assertFalse(id.equals(ObjectIds.next()));
    }
}
