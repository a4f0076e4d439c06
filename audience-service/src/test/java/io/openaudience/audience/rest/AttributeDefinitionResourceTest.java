package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.AudienceFixtures.DEFINITIONS;
import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows 2–5: create, read, update and delete attribute definitions, with every rule of a definition. */
@QuarkusTest
class AttributeDefinitionResourceTest {

    @Test
    void createAnswers201WithLocationAndTheStoredDefinition() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        Response created = t.as().body("""
                        {"name":" Loyalty tier ","slug":"loyalty_tier","description":"Tier","type":"string",
                         "validations":[{"type":"regex","value":"^(gold|silver|bronze)$"},
                                        {"type":"max_length","value":"6"}],
                         "default_value":"bronze","customer_editable":true,"pinned":true,"pin_order":2,
                         "icon":"ignored","masking":{"enabled":true}}""")
                .when().post(DEFINITIONS);
        created.then().statusCode(201)
                .body("_id", matchesPattern("[0-9a-f]{24}"))
                .body("name", equalTo("Loyalty tier"))
                .body("slug", equalTo("loyalty_tier"))
                .body("description", equalTo("Tier"))
                .body("application_id", equalTo("app1"))
                .body("type", equalTo("string"))
                .body("validations[0].type", equalTo("regex"))
                .body("validations[0].value", equalTo("^(gold|silver|bronze)$"))
                .body("validations[1].type", equalTo("max_length"))
                .body("validations[1].value", equalTo(6))
                .body("default_value", equalTo("bronze"))
                .body("customer_editable", equalTo(true))
                .body("encrypted", equalTo(false))
                .body("pinned", equalTo(true))
                .body("pin_order", equalTo(2))
                .body("is_locked", equalTo(false))
                .body("created_at", matchesPattern("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z"))
                .body("modified_at", notNullValue())
                .body("$", not(hasKey("icon")));
        String id = created.path("_id");
        assertTrue(created.header("Location").endsWith("/service/platform/user/v1.0/company/" + t.company
                + "/application/app1/user_attribute/definition/" + id), created.header("Location"));

        List<Map<String, Object>> rows = AudienceFixtures.rows("select company_id, application_id, slug, "
                + "validations::text v, default_value::text dv from audience.attribute_definition where id = ?", id);
        assertEquals(1, rows.size());
        assertEquals(t.company, rows.get(0).get("company_id"));
        assertEquals("\"bronze\"", rows.get(0).get("dv"));
        assertTrue(rows.get(0).get("v").toString().contains("\"max_length\""));

        t.as().when().get(DEFINITIONS + "/{id}", id)
                .then().statusCode(200)
                .body("_id", equalTo(id))
                .body("validations", hasSize(2))
                .body("default_value", equalTo("bronze"));
    }

    @Test
    void optionalFieldsDefaultToFalseAndAbsentOnesAreOmitted() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{\"name\":\"Age\",\"slug\":\"age\",\"description\":\"\",\"type\":\"number\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(201)
                .body("customer_editable", equalTo(false))
                .body("pinned", equalTo(false))
                .body("is_locked", equalTo(false))
                .body("validations", hasSize(0))
                .body("$", not(hasKey("default_value")))
                .body("$", not(hasKey("pin_order")));
    }

    @Test
    void requiredFieldsAreNamed() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{}").when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", hasItems("name", "slug", "description", "type"))
                .body("request_id", notNullValue());
        t.as().body("{\"name\":\"  \",\"slug\":\"ok\",\"description\":\"d\",\"type\":\"string\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("name")));
        t.as().body("{\"name\":\"bad\\u0000name\",\"slug\":\"ok\",\"description\":\"d\",\"type\":\"string\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("name")));
        t.as().body("{\"name\":\"" + "n".repeat(256) + "\",\"slug\":\"ok\",\"description\":\"d\",\"type\":\"string\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("name")));
        t.as().body("{\"name\":\"n\",\"slug\":\"ok\",\"description\":\"" + "d".repeat(2001)
                        + "\",\"type\":\"string\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("description")));
        t.as().body("[1]").when().post(DEFINITIONS).then().statusCode(400).body("code", equalTo("invalid_request"));
    }

    @Test
    void slugRuleAndReservedSlugs() {
        AudienceFixtures t = new AudienceFixtures();
        for (String bad : List.of("Loyalty", "1tier", "_tier", "tier-x", "tier x", "t".repeat(65), "email",
                "user_id", "phone_number", "country_code", "action")) {
            t.as().body("{\"name\":\"n\",\"slug\":\"" + bad + "\",\"description\":\"d\",\"type\":\"string\"}")
                    .when().post(DEFINITIONS)
                    .then().statusCode(400)
                    .body("meta.errors.field", equalTo(List.of("slug")));
        }
        t.as().body("{\"name\":\"n\",\"slug\":\"" + "t".repeat(64) + "\",\"description\":\"d\",\"type\":\"string\"}")
                .when().post(DEFINITIONS).then().statusCode(201);
    }

    @Test
    void duplicateSlugInTheApplicationIs409NamingSlug() {
        AudienceFixtures t = new AudienceFixtures();
        t.definition("tier", "string", null);
        t.as().body("{\"name\":\"Other\",\"slug\":\"tier\",\"description\":\"d\",\"type\":\"number\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(409)
                .body("code", equalTo("conflict"))
                .body("meta.errors.field", equalTo(List.of("slug")));
        // The same slug in another application of the company is another definition.
        AudienceFixtures.asOther(t.company, "app2")
                .body("{\"name\":\"Other\",\"slug\":\"tier\",\"description\":\"d\",\"type\":\"number\"}")
                .when().post(DEFINITIONS).then().statusCode(201);
    }

    @Test
    void typeAndEncryption() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{\"name\":\"n\",\"slug\":\"a\",\"description\":\"d\",\"type\":\"text\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("type")))
                .body("message", containsString("encrypted_number_array"));
        String id = t.as().body("{\"name\":\"n\",\"slug\":\"pan\",\"description\":\"d\",\"type\":\"string\","
                        + "\"encrypted\":true}")
                .when().post(DEFINITIONS)
                .then().statusCode(201)
                .body("type", equalTo("encrypted_string"))
                .body("encrypted", equalTo(true))
                .extract().path("_id");
        assertEquals("encrypted_string", AudienceFixtures.rows("select type from audience.attribute_definition "
                + "where id = ?", id).get(0).get("type"));
        t.as().body("{\"name\":\"n\",\"slug\":\"scores\",\"description\":\"d\",\"type\":\"number_array\","
                        + "\"encrypted\":true}")
                .when().post(DEFINITIONS)
                .then().statusCode(201).body("type", equalTo("encrypted_number_array"));
        t.as().body("{\"name\":\"n\",\"slug\":\"ssn\",\"description\":\"d\",\"type\":\"encrypted_string\"}")
                .when().post(DEFINITIONS)
                .then().statusCode(201).body("encrypted", equalTo(true));
        for (String type : List.of("boolean", "date")) {
            t.as().body("{\"name\":\"n\",\"slug\":\"b\",\"description\":\"d\",\"type\":\"" + type + "\","
                            + "\"encrypted\":true}")
                    .when().post(DEFINITIONS)
                    .then().statusCode(400).body("meta.errors.field", equalTo(List.of("encrypted")));
        }
        t.as().body("{\"name\":\"n\",\"slug\":\"c\",\"description\":\"d\",\"type\":\"encrypted_number\","
                        + "\"encrypted\":false}")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("encrypted")));
    }

    @Test
    void validationsAreCheckedAgainstTheType() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"string",
                         "validations":[{"type":"regex","value":"(unclosed"}]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("validations[0].value")))
                .body("message", containsString("validations[0].value"));
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"string",
                         "validations":[{"type":"max_length","value":3},{"type":"min","value":1}]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("validations[1].type")));
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"number",
                         "validations":[{"type":"min","value":"ten"}]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("validations[0].value")));
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"date",
                         "validations":[{"type":"frobnicate","value":1}]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("validations[0].type")));
        t.as().body("{\"name\":\"n\",\"slug\":\"a\",\"description\":\"d\",\"type\":\"string\",\"validations\":{}}")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("validations")));
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"date",
                         "validations":[{"type":"min_date","value":"2020-01-01"}]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(201)
                .body("validations[0].value", equalTo("2020-01-01T00:00:00.000Z"));
    }

    @Test
    void defaultValueIsAValueOfTheType() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"number",
                         "validations":[{"type":"max","value":10}],"default_value":"11"}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("default_value")))
                .body("message", containsString("at most 10"));
        t.as().body("""
                        {"name":"n","slug":"a","description":"d","type":"number","default_value":"7"}""")
                .when().post(DEFINITIONS)
                .then().statusCode(201).body("default_value", equalTo(7));
        t.as().body("""
                        {"name":"n","slug":"tags","description":"d","type":"string_array","default_value":"a, b"}""")
                .when().post(DEFINITIONS)
                .then().statusCode(201).body("default_value", equalTo(List.of("a", "b")));
        t.as().body("""
                        {"name":"n","slug":"nums","description":"d","type":"number_array","default_value":[1,"x"]}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("default_value[1]")));
        t.as().body("""
                        {"name":"n","slug":"born","description":"d","type":"date","default_value":"2001-02-03"}""")
                .when().post(DEFINITIONS)
                .then().statusCode(201).body("default_value", equalTo("2001-02-03T00:00:00.000Z"));
        t.as().body("""
                        {"name":"n","slug":"x","description":"d","type":"number","pin_order":-1}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("pin_order")));
        t.as().body("""
                        {"name":"n","slug":"x","description":"d","type":"number","pinned":"maybe"}""")
                .when().post(DEFINITIONS)
                .then().statusCode(400).body("meta.errors.field", hasItem("pinned"));
    }

    @Test
    void getOfAnUnknownOrAnotherTenantsIdIs404() {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("tier", "string", null);
        t.as().when().get(DEFINITIONS + "/{id}", "000000000000000000000000")
                .then().statusCode(404).body("code", equalTo("not_found"));
        t.as().when().get(DEFINITIONS + "/{id}", "not-an-id").then().statusCode(404);
        AudienceFixtures other = new AudienceFixtures();
        other.as().when().get(DEFINITIONS + "/{id}", id).then().statusCode(404);
        AudienceFixtures.asOther(t.company, "app2").when().get(DEFINITIONS + "/{id}", id).then().statusCode(404);
        other.as().body("{\"name\":\"x\"}").when().put(DEFINITIONS + "/{id}", id).then().statusCode(404);
        other.as().when().delete(DEFINITIONS + "/{id}", id).then().statusCode(404);
        t.as().when().get(DEFINITIONS + "/{id}", id).then().statusCode(200).body("name", equalTo("tier name"));
    }

    @Test
    void updateChangesThePresentFieldsAndKeepsTheOthers() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("tier", "string",
                "\"validations\":[{\"type\":\"max_length\",\"value\":5}],\"default_value\":\"gold\",\"pinned\":true,"
                        + "\"pin_order\":3");
        String createdAt = t.as().when().get(DEFINITIONS + "/{id}", id).then().extract().path("created_at");
        t.as().body("{\"name\":\"Tier\",\"customer_editable\":true,\"slug\":\"tier\",\"icon\":\"x\"}")
                .when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(200)
                .body("name", equalTo("Tier"))
                .body("description", equalTo("d"))
                .body("customer_editable", equalTo(true))
                .body("validations[0].value", equalTo(5))
                .body("default_value", equalTo("gold"))
                .body("pinned", equalTo(true))
                .body("pin_order", equalTo(3))
                .body("created_at", equalTo(createdAt));
        t.as().body("""
                        {"description":"New","validations":[{"type":"max_length","value":10}],
                         "default_value":"platinum","pinned":false,"pin_order":7}""")
                .when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(200)
                .body("name", equalTo("Tier"))
                .body("description", equalTo("New"))
                .body("default_value", equalTo("platinum"))
                .body("pinned", equalTo(false))
                .body("pin_order", equalTo(7));
        // default_value: null clears it; a default against the new validations is checked.
        t.as().body("{\"default_value\":null}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(200).body("$", not(hasKey("default_value")));
        assertEquals(null, AudienceFixtures.rows("select default_value from audience.attribute_definition "
                + "where id = ?", id).get(0).get("default_value"));
        t.as().body("{\"default_value\":\"far too long\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("default_value")));
        t.as().body("{\"name\":\"\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("name")));
    }

    @Test
    void theSlugCannotChange() {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("tier", "string", null);
        t.as().body("{\"slug\":\"level\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("slug")));
        t.as().when().get(DEFINITIONS + "/{id}", id).then().body("slug", equalTo("tier"));
    }

    @Test
    void theTypeChangesOnlyWhileNoUserHasAValue() {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("score", "string", "\"validations\":[{\"type\":\"max_length\",\"value\":5}]");
        // Without values the type may change, but the string validations do not fit a number.
        t.as().body("{\"type\":\"number\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("validations")));
        t.as().body("{\"type\":\"number\",\"validations\":[{\"type\":\"min\",\"value\":0}]}")
                .when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(200).body("type", equalTo("number"));
        t.as().body("{\"attribute\":{\"value\":3}}")
                .when().put(PREFIX + "/user_attribute/definition/{id}/user/{user}", id, "u1")
                .then().statusCode(201);
        t.as().body("{\"type\":\"string\",\"validations\":[]}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("type")))
                .body("message", containsString("values"));
        t.as().body("{\"encrypted\":true}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("type")));
        // Sending the current type is no change.
        t.as().body("{\"type\":\"number\",\"name\":\"Score\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(200).body("name", equalTo("Score"));
    }

    @Test
    void aLockedDefinitionIsReadAndGivenValuesButNeverUpdatedOrDeleted() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("vip", "boolean", "\"is_locked\":true");
        t.as().when().get(DEFINITIONS + "/{id}", id).then().statusCode(200).body("is_locked", equalTo(true));
        t.as().body("{\"name\":\"VIP\"}").when().put(DEFINITIONS + "/{id}", id)
                .then().statusCode(403).body("code", equalTo("forbidden")).body("request_id", notNullValue());
        t.as().when().delete(DEFINITIONS + "/{id}", id).then().statusCode(403);
        t.as().body("{\"attribute\":{\"value\":\"true\"}}")
                .when().put(PREFIX + "/user_attribute/definition/{id}/user/{user}", id, "u1")
                .then().statusCode(201).body("attribute.value", equalTo(true));
        assertEquals("vip name", AudienceFixtures.rows("select name from audience.attribute_definition where id = ?",
                id).get(0).get("name"));
    }

    @Test
    void deleteRemovesTheDefinitionAndItsValues() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String id = t.definition("tier", "string", null);
        String kept = t.definition("other", "string", null);
        for (String user : List.of("u1", "u2")) {
            t.as().body("{\"attribute\":{\"value\":\"gold\"}}")
                    .when().put(PREFIX + "/user_attribute/definition/{id}/user/{user}", id, user)
                    .then().statusCode(201);
        }
        t.as().body("{\"attribute\":{\"value\":\"x\"}}")
                .when().put(PREFIX + "/user_attribute/definition/{id}/user/{user}", kept, "u1")
                .then().statusCode(201);
        assertEquals(2, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                id));

        t.as().when().delete(DEFINITIONS + "/{id}", id)
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", notNullValue());
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                id));
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                kept));
        t.as().when().get(DEFINITIONS + "/{id}", id).then().statusCode(404);
        t.as().when().delete(DEFINITIONS + "/{id}", id).then().statusCode(404);
    }
}
