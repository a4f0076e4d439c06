package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static io.openaudience.audience.rest.UserAttributeResourceTest.USER_VALUES;
import static io.openaudience.audience.rest.UserAttributeResourceTest.VALUE;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Rows 23 and 24: several values of one user written all or nothing, and deleted by definition ids. */
@QuarkusTest
class UserAttributeBulkTest {

    @Test
    void writesEveryValueAndAnswersInTheBulkUserAttributeShape() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String age = t.definition("age", "number", null);
        String pan = t.definition("pan", "string", "\"encrypted\":true");
        t.as().body("{\"attribute\":{\"value\":\"bronze\"}}").put(VALUE, tier, "u").then().statusCode(201);

        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":\"gold\"},"
                        + "{\"definition_id\":\"" + age + "\",\"value\":\"41\"},"
                        + "{\"definition_id\":\"" + pan + "\",\"value\":\"ABCDE1234F\"}]}")
                .when().post(USER_VALUES, "u")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("attributes", hasSize(3))
                .body("attributes.user_attribute_definition_id", contains(tier, age, pan))
                .body("attributes[0].attribute.value", equalTo("gold"))
                .body("attributes[1].attribute.value", equalTo(41))
                .body("attributes[2].attribute.value", equalTo("********"))
                .body("attributes[0].user_id", equalTo("u"));
        assertEquals(3, AudienceFixtures.count("select count(*) from audience.user_attribute a join audience.app_user "
                + "u on u.id = a.user_pk where u.company_id = ? and u.user_id = 'u'", t.company));
        assertEquals("\"gold\"", AudienceFixtures.rows("select value::text v from audience.user_attribute "
                + "where definition_id = ?", tier).get(0).get("v"));
        // A new person is created by the POST too.
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + age + "\",\"value\":1}]}")
                .when().post(USER_VALUES, "fresh").then().statusCode(200);
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ? "
                + "and user_id = 'fresh'", t.company));
    }

    @Test
    void oneBadValueWritesNothing() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String age = t.definition("age", "number", "\"validations\":[{\"type\":\"max\",\"value\":100}]");
        t.as().body("{\"attribute\":{\"value\":\"bronze\"}}").put(VALUE, tier, "u").then().statusCode(201);

        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":\"gold\"},"
                        + "{\"definition_id\":\"" + age + "\",\"value\":101}]}")
                .when().post(USER_VALUES, "u")
                .then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attributes[1].value")))
                .body("message", containsString("attributes[1].value"));
        assertEquals("\"bronze\"", AudienceFixtures.rows("select value::text v from audience.user_attribute "
                + "where definition_id = ?", tier).get(0).get("v"));
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.user_attribute where definition_id = ?",
                age));

        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":\"gold\"}]}")
                .when().post(USER_VALUES, "x".repeat(200)).then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("user_id")));
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + age + "\",\"value\":\"x\"}]}")
                .when().post(USER_VALUES, "nobody-yet").then().statusCode(400);
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ? "
                + "and user_id = 'nobody-yet'", t.company));
    }

    @Test
    void everyProblemIsNamed() {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String foreign = new AudienceFixtures().definition("tier", "string", null);
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":1},"
                        + "{\"definition_id\":\"" + foreign + "\",\"value\":\"x\"},"
                        + "{\"definition_id\":\"nope\",\"value\":\"x\"},"
                        + "{\"definition_id\":\"" + tier + "\",\"value\":\"y\"},"
                        + "\"string\",{\"definition_id\":\"" + tier.replace('a', 'b').replace('0', '1')
                        + "\"}]}")
                .when().post(USER_VALUES, "u")
                .then().statusCode(400)
                .body("meta.errors.field", containsInAnyOrder("attributes[2].definition_id",
                        "attributes[3].definition_id", "attributes[4]"));
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":1},"
                        + "{\"definition_id\":\"" + foreign + "\",\"value\":\"x\"}]}")
                .when().post(USER_VALUES, "u")
                .then().statusCode(400)
                .body("meta.errors.field", containsInAnyOrder("attributes[0].value", "attributes[1].definition_id"));
        t.as().body("{\"attributes\":[]}").when().post(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attributes")));
        t.as().body("{}").when().post(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attributes")));
        StringBuilder many = new StringBuilder("{\"attributes\":[");
        for (int i = 0; i < 101; i++) {
            many.append(i == 0 ? "" : ",").append("{\"definition_id\":\"").append(tier).append("\",\"value\":\"a\"}");
        }
        t.as().body(many.append("]}").toString()).when().post(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("attributes")));
    }

    @Test
    void deleteByDefinitionIds() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String tier = t.definition("tier", "string", null);
        String age = t.definition("age", "number", null);
        String city = t.definition("city", "string", null);
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":\"gold\"},"
                + "{\"definition_id\":\"" + age + "\",\"value\":3},{\"definition_id\":\"" + city
                + "\",\"value\":\"Pune\"}]}").post(USER_VALUES, "u").then().statusCode(200);
        t.as().body("{\"attributes\":[{\"definition_id\":\"" + tier + "\",\"value\":\"gold\"}]}")
                .post(USER_VALUES, "v").then().statusCode(200);

        t.as().body("{\"definition_ids\":[\"" + tier + "\",\"" + age + "\",\"000000000000000000000000\"]}")
                .when().delete(USER_VALUES, "u")
                .then().statusCode(200)
                .body("success", equalTo(true))
                .body("message", containsString("2"));
        t.as().get(USER_VALUES, "u").then().body("items.user_attribute_definition_id", contains(city));
        // Another user's value of the same definition stays.
        t.as().get(USER_VALUES, "v").then().body("items", hasSize(1));

        t.as().body("{\"definition_ids\":[]}").when().delete(USER_VALUES, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("definition_ids")));
        t.as().body("{\"definition_ids\":[\"" + city + "\",\"bad\"]}").when().delete(USER_VALUES, "u")
                .then().statusCode(400).body("meta.errors.field", equalTo(List.of("definition_ids[1]")));
        t.as().get(USER_VALUES, "u").then().body("items", hasSize(1));
        t.as().body("{\"definition_ids\":[\"" + city + "\"]}").when().delete(USER_VALUES, "nobody")
                .then().statusCode(404);
        AudienceFixtures.asOther("elsewhere", "app1").body("{\"definition_ids\":[\"" + city + "\"]}")
                .when().delete(PREFIX + "/user_attribute/user/{user}", "u").then().statusCode(404);
        t.as().get(USER_VALUES, "u").then().body("items", hasSize(1));
    }
}
