package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.matchesPattern;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Rows 7–10 and 25: one user's values, written one at a time, read, listed and deleted. */
@QuarkusTest
class UserAttributeResourceTest {

    static final String VALUE = PREFIX + "/user_attribute/definition/{definition}/user/{user}";
    static final String USER_VALUES = PREFIX + "/user_attribute/user/{user}";
    static final String BY_ID = PREFIX + "/user_attribute/attribute/{id}";

    @Test
    void putCreatesWith201ThenUpdatesWith200InTheSdkShape() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", "\"validations\":[{\"type\":\"regex\",\"value\":\"[a-z]+\"}]");
        Response created = t.as().body("{\"attribute\":{\"value\":\"gold\"}}").when().put(VALUE, tier, "u-1");
        created.then().statusCode(201)
                .body("_id", matchesPattern("[0-9a-f]{24}"))
                .body("name", equalTo("tier name"))
                .body("user_id", equalTo("u-1"))
                .body("application_id", equalTo("app1"))
                .body("user_attribute_definition_id", equalTo(tier))
                .body("type", equalTo("string"))
                .body("customer_overridden", equalTo(false))
                .body("attribute.key", equalTo("tier"))
                .body("attribute.value", equalTo("gold"))
                .body("created_at", matchesPattern("\\d{4}-.*\\.\\d{3}Z"))
                .body("updated_at", notNullValue());
        String id = created.path("_id");
        assertTrue(created.header("Location").endsWith("/user_attribute/attribute/" + id));

        List<Map<String, Object>> rows = AudienceFixtures.rows("select a.value::text v, a.ciphertext, a.company_id, "
                + "u.user_id from audience.user_attribute a join audience.app_user u on u.id = a.user_pk "
                + "where a.id = ?", id);
        assertEquals("\"gold\"", rows.get(0).get("v"));
        assertNull(rows.get(0).get("ciphertext"));
        assertEquals("u-1", rows.get(0).get("user_id"));
        assertEquals(t.company, rows.get(0).get("company_id"));

        t.as().body("{\"attribute\":{\"value\":\"silver\"},\"customer_overridden\":true}")
                .when().put(VALUE, tier, "u-1")
                .then().statusCode(200)
                .body("_id", equalTo(id))
                .body("attribute.value", equalTo("silver"))
                .body("customer_overridden", equalTo(true));
        // customer_overridden absent: kept.
        t.as().body("{\"attribute\":{\"value\":\"bronze\"}}").when().put(VALUE, tier, "u-1")
                .then().statusCode(200).body("customer_overridden", equalTo(true));
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                tier));
        assertEquals("\"bronze\"", AudienceFixtures.rows("select value::text v from audience.user_attribute "
                + "where id = ?", id).get(0).get("v"));
    }

    @Test
    void aWriteToAnUnknownUserCreatesThePersonAndReadsOfOneAre404() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        t.as().when().get(USER_VALUES, "newcomer").then().statusCode(404).body("code", equalTo("not_found"));
        t.as().when().get(VALUE, tier, "newcomer").then().statusCode(404);
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").when().put(VALUE, tier, "newcomer")
                .then().statusCode(201);
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ? "
                + "and application_id = 'app1' and user_id = 'newcomer'", t.company));
        t.as().when().get(USER_VALUES, "newcomer").then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void valuesAreNormalizedAndCheckedNamingAttributeValue() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String age = t.definition("age", "number", "\"validations\":[{\"type\":\"min\",\"value\":0},"
                + "{\"type\":\"max\",\"value\":150}]");
        String born = t.definition("born", "date", null);
        String tags = t.definition("tags", "string_array", "\"validations\":[{\"type\":\"max_length\",\"value\":3}]");
        String vip = t.definition("vip", "boolean", null);
        String code = t.definition("code", "string", "\"validations\":[{\"type\":\"regex\",\"value\":\"[A-Z]{3}\"}]");

        t.as().body("{\"attribute\":{\"value\":\"42\"}}").put(VALUE, age, "u").then().statusCode(201)
                .body("attribute.value", equalTo(42));
        t.as().body("{\"attribute\":{\"value\":2.50}}").put(VALUE, age, "u").then().statusCode(200)
                .body("attribute.value", equalTo(2.5f));
        t.as().body("{\"attribute\":{\"value\":\"2024-05-01T12:30:00+02:00\"}}").put(VALUE, born, "u")
                .then().statusCode(201).body("attribute.value", equalTo("2024-05-01T10:30:00.000Z"));
        t.as().body("{\"attribute\":{\"value\":[\"a\",\"bb\"]}}").put(VALUE, tags, "u")
                .then().statusCode(201).body("attribute.value", contains("a", "bb"));
        t.as().body("{\"attribute\":{\"value\":\"FALSE\"}}").put(VALUE, vip, "u")
                .then().statusCode(201).body("attribute.value", equalTo(false));
        assertEquals("[\"a\", \"bb\"]", AudienceFixtures.rows("select value::text v from audience.user_attribute "
                + "where definition_id = ?", tags).get(0).get("v"));

        for (List<String> bad : List.<List<String>>of(List.of(age, "\"old\"", "attribute.value"),
                List.of(age, "151", "attribute.value"), List.of(age, "-1", "attribute.value"),
                List.of(born, "\"yesterday\"", "attribute.value"), List.of(tags, "\"a\"", "attribute.value"),
                List.of(tags, "[\"ok\",\"toolong\"]", "attribute.value[1]"),
                List.of(vip, "\"yes\"", "attribute.value"), List.of(code, "\"abc\"", "attribute.value"),
                List.of(code, "null", "attribute.value"))) {
            t.as().body("{\"attribute\":{\"value\":" + bad.get(1) + "}}").put(VALUE, bad.get(0), "u2")
                    .then().statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", equalTo(List.of(bad.get(2))))
                    .body("message", containsString(bad.get(2)));
        }
        t.as().body("{\"attribute\":\"gold\"}").put(VALUE, code, "u2").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attribute")));
        t.as().body("{}").put(VALUE, code, "u2").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attribute")));
        t.as().body("{\"attribute\":{}}").put(VALUE, code, "u2").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attribute.value")));
        // Nothing was written for u2: not even the person.
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ? "
                + "and user_id = 'u2'", t.company));
    }

    @Test
    void aBadUserIdIs400() {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "x".repeat(129))
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("user_id")));
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, " padded ")
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("user_id")));
    }

    @Test
    void anotherTenantsDefinitionOrValueIs404() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String id = t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "u")
                .then().statusCode(201).extract().path("_id");
        AudienceFixtures other = new AudienceFixtures();
        other.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "u").then().statusCode(404);
        other.as().get(VALUE, tier, "u").then().statusCode(404);
        other.as().get(BY_ID, id).then().statusCode(404);
        other.as().delete(VALUE, tier, "u").then().statusCode(404);
        AudienceFixtures.asOther(t.company, "app2").get(BY_ID, id).then().statusCode(404);
        AudienceFixtures.asOther(t.company, "app2").get(USER_VALUES, "u").then().statusCode(404);
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                other.company));
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, "000000000000000000000000", "u")
                .then().statusCode(404);
    }

    @Test
    void singleReadsByDefinitionAndById() {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String other = t.definition("other", "string", null);
        String id = t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "u")
                .then().statusCode(201).extract().path("_id");
        t.as().get(VALUE, tier, "u").then().statusCode(200)
                .body("_id", equalTo(id)).body("attribute.value", equalTo("gold")).body("user_id", equalTo("u"));
        t.as().get(BY_ID, id).then().statusCode(200)
                .body("user_attribute_definition_id", equalTo(tier)).body("attribute.value", equalTo("gold"));
        t.as().get(VALUE, other, "u").then().statusCode(404).body("message", containsString("user attribute"));
        t.as().get(BY_ID, "000000000000000000000000").then().statusCode(404);
    }

    @Test
    void listFiltersByTypeAndNameAndPages() {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String age = t.definition("age", "number", null);
        String city = t.definition("home_city", "string", null);
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "u").then().statusCode(201);
        t.as().body("{\"attribute\":{\"value\":30}}").put(VALUE, age, "u").then().statusCode(201);
        t.as().body("{\"attribute\":{\"value\":\"Pune\"}}").put(VALUE, city, "u").then().statusCode(201);
        t.as().body("{\"attribute\":{\"value\":\"silver\"}}").put(VALUE, tier, "someone else").then().statusCode(201);

        t.as().get(USER_VALUES, "u").then().statusCode(200)
                .body("items.user_attribute_definition_id", contains(tier, age, city))
                .body("items[1].attribute.value", equalTo(30))
                .body("page.item_total", equalTo(3))
                .body("page.type", equalTo("number"));
        t.as().queryParam("type", "string").get(USER_VALUES, "u").then()
                .body("items.user_attribute_definition_id", contains(tier, city));
        t.as().queryParam("name", "CITY").get(USER_VALUES, "u").then()
                .body("items.user_attribute_definition_id", contains(city));
        t.as().queryParam("page_size", "2").queryParam("page_no", "2").get(USER_VALUES, "u").then()
                .body("items.user_attribute_definition_id", contains(city))
                .body("page.item_total", equalTo(3)).body("page.has_previous", equalTo(true))
                .body("page.has_next", equalTo(false));
        t.as().queryParam("type", "text").get(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("type")));
        t.as().queryParam("page_size", "500").get(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("page_size")));
    }

    @Test
    void deleteOneValue() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String age = t.definition("age", "number", null);
        t.as().body("{\"attribute\":{\"value\":\"gold\"}}").put(VALUE, tier, "u").then().statusCode(201);
        t.as().body("{\"attribute\":{\"value\":1}}").put(VALUE, age, "u").then().statusCode(201);
        t.as().delete(VALUE, tier, "u").then().statusCode(200)
                .body("success", equalTo(true)).body("message", notNullValue()).body("$", not(hasKey("code")));
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                tier));
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                age));
        t.as().delete(VALUE, tier, "u").then().statusCode(404);
        t.as().delete(VALUE, tier, "nobody").then().statusCode(404);
    }
}
