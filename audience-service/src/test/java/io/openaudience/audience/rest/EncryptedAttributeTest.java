package io.openaudience.audience.rest;

import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.ObjectIds;
import io.quarkus.test.junit.QuarkusTest;
import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.UserAttributeResourceTest.BY_ID;
import static io.openaudience.audience.rest.UserAttributeResourceTest.USER_VALUES;
import static io.openaudience.audience.rest.UserAttributeResourceTest.VALUE;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

/** encrypted_* values: sealed at rest with the active key, masked in lists, in clear in single reads, rotation. */
@QuarkusTest
class EncryptedAttributeTest {

    @Test
    void storedAsCiphertextMaskedInListsInClearInSingleReads() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String pan = t.definition("pan", "string", "\"encrypted\":true");
        String scores = t.definition("scores", "encrypted_number_array", null);
        String plain = t.definition("tier", "string", null);
        String id = t.as().body("{\"attribute\":{\"value\":\"ABCDE1234F\"}}").put(VALUE, pan, "u")
                .then().statusCode(201)
                .body("type", equalTo("encrypted_string"))
                .body("attribute.value", equalTo("ABCDE1234F"))
                .extract().path("_id");
        t.as().body("{\"attribute\":{\"value\":[\"1\",2.5]}}").put(VALUE, scores, "u").then().statusCode(201);
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, plain, "u").then().statusCode(201);

        Map<String, Object> row = AudienceFixtures.rows("select value, ciphertext, key_id from audience.user_attribute "
                + "where id = ?", id).get(0);
        assertNull(row.get("value"));
        assertEquals("dev1", row.get("key_id"));
        byte[] sealed = (byte[]) row.get("ciphertext");
        assertNotNull(sealed);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("ABCDE1234F"));

        t.as().get(USER_VALUES, "u").then().statusCode(200)
                .body("items.attribute.value", contains("********", "********", "gold"));
        t.as().get(VALUE, pan, "u").then().statusCode(200).body("attribute.value", equalTo("ABCDE1234F"));
        t.as().get(BY_ID, id).then().statusCode(200).body("attribute.value", equalTo("ABCDE1234F"));
        t.as().get(VALUE, scores, "u").then().statusCode(200).body("attribute.value", contains(1, 2.5f));

        // Validation applies to encrypted values as to plain ones.
        t.as().body("{\"attribute\":{\"value\":[\"x\"]}}").put(VALUE, scores, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attribute.value[0]")));
    }

    @Test
    void aValueSealedWithARetiredKeyStillOpensAndRewritesUseTheActiveKey() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String pan = t.definition("pan", "encrypted_string", null);
        t.as().body("{\"attribute\":{\"value\":\"NEW\"}}").put(VALUE, pan, "someone").then().statusCode(201);

        // Seal a value as an earlier deployment did, when old1 was the active key.
        String ring = ConfigProvider.getConfig().getValue("audience.encryption.keys", String.class);
        AttributeCipher before = AttributeCipher.of(ring, "old1");
        AttributeCipher.Sealed sealed = before.seal("\"OLD-SECRET\"", t.company, t.application, pan);
        assertEquals("old1", sealed.keyId());
        AudienceFixtures.execute("insert into audience.app_user (company_id, application_id, user_id) "
                + "values (?, ?, 'veteran')", t.company, t.application);
        String id = ObjectIds.next();
        AudienceFixtures.execute("insert into audience.user_attribute (id, company_id, application_id, definition_id, "
                        + "user_pk, ciphertext, key_id) select ?, ?, ?, ?, id, ?, ? from audience.app_user "
                        + "where company_id = ? and user_id = 'veteran'", id, t.company, t.application, pan,
                sealed.bytes(), sealed.keyId(), t.company);

        t.as().get(BY_ID, id).then().statusCode(200).body("attribute.value", equalTo("OLD-SECRET"));
        t.as().get(VALUE, pan, "veteran").then().statusCode(200).body("attribute.value", equalTo("OLD-SECRET"));

        t.as().body("{\"attribute\":{\"value\":\"ROTATED\"}}").put(VALUE, pan, "veteran").then().statusCode(200)
                .body("_id", equalTo(id));
        assertEquals("dev1", AudienceFixtures.rows("select key_id from audience.user_attribute where id = ?", id)
                .get(0).get("key_id"));
        t.as().get(BY_ID, id).then().statusCode(200).body("attribute.value", equalTo("ROTATED"));
    }
}
