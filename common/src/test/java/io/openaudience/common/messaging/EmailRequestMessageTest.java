package io.openaudience.common.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.messaging.EmailRequestMessage.Json;
import io.openaudience.common.messaging.EmailRequestMessage.Recipient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** The JSON of the email contract is spelled once: the record's names are the constants SQL producers use. */
class EmailRequestMessageTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theRecordWritesExactlyTheNamedFields() throws Exception {
        EmailRequestMessage m = new EmailRequestMessage(UUID.randomUUID(), 7, "DEE", EmailKind.SELECTED, "S",
                "<p>B</p>", 0, 1, 1, List.of(new Recipient(1, "a@x.org", "A")));
        JsonNode node = JSON.readTree(JSON.writeValueAsString(m));
        assertEquals(Set.of(Json.NOTIFICATION_ID, Json.SUBSCRIPTION_ID, Json.INITIATIVE_ID, Json.KIND, Json.SUBJECT,
                Json.BODY, Json.CHUNK, Json.CHUNKS, Json.TOTAL_RECIPIENTS, Json.RECIPIENTS), names(node));
        assertEquals(Set.of(Json.USER_ID, Json.EMAIL, Json.FIRST_NAME), names(node.get(Json.RECIPIENTS).get(0)));
        assertEquals("selected", node.get(Json.KIND).asText());
        assertEquals(m, JSON.readValue(JSON.writeValueAsString(m), EmailRequestMessage.class));
    }

    @Test
    void anUnknownKindIsNotReadable() {
        assertThrows(Exception.class, () -> JSON.readValue("{\"kind\": \"newsletter\"}", EmailRequestMessage.class));
    }

    @Test
    void sqlObjectsUseTheSameNames() {
        assertEquals("json_build_object('chunk', c.chunk, 'kind', $4)", Json.sqlObject(Json.CHUNK, "c.chunk",
                Json.KIND, "$4"));
        assertThrows(IllegalArgumentException.class, () -> Json.sqlObject("x'); DROP", "1"));
    }

    private static Set<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return Set.copyOf(names);
    }
}
