package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.AudienceFixtures.PREFIX;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** PUT and GET `…/users/{user_id}`: the upsert, the matching keys, conflicts and every field rule. */
@QuarkusTest
class AppUserResourceTest {

    static final String USER = PREFIX + "/users/{user}";

    @Test
    void putCreatesWith201ThenUpdatesWith200() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        Response created = t.as().body("""
                        {"first_name":" Asha ","last_name":"Rao","name":"Asha Rao",
                         "emails":[{"email":"Other@Example.com"},{"email":" Asha@Example.com ","primary":true,
                                    "verified":true}],
                         "phone_numbers":[{"phone":"99999 99999","country_code":"+91"}],
                         "properties":{"plan":"pro","seats":3,"tags":["a"]}}""")
                .when().put(USER, "u-1");
        created.then().statusCode(201)
                .body("user_id", equalTo("u-1"))
                .body("application_id", equalTo("app1"))
                .body("first_name", equalTo("Asha"))
                .body("last_name", equalTo("Rao"))
                .body("name", equalTo("Asha Rao"))
                .body("emails", hasSize(2))
                .body("emails[0].email", equalTo("Other@Example.com"))
                .body("emails[0].primary", equalTo(false))
                .body("emails[0].verified", equalTo(false))
                .body("emails[0].active", equalTo(true))
                .body("emails[1].email", equalTo("Asha@Example.com"))
                .body("emails[1].primary", equalTo(true))
                .body("emails[1].verified", equalTo(true))
                .body("phone_numbers[0].phone", equalTo("99999 99999"))
                .body("phone_numbers[0].country_code", equalTo(91))
                .body("phone_numbers[0].primary", equalTo(true))
                .body("properties.plan", equalTo("pro"))
                .body("properties.seats", equalTo(3))
                .body("total_events", equalTo(0))
                .body("created_at", notNullValue())
                .body("$", not(hasKey("first_seen_at")));
        assertTrue(created.header("Location").endsWith("/application/app1/users/u-1"));

        Map<String, Object> row = AudienceFixtures.rows("select email_key, phone_key, first_name "
                + "from audience.app_user where company_id = ? and user_id = 'u-1'", t.company).get(0);
        assertEquals("asha@example.com", row.get("email_key"));
        assertEquals("919999999999", row.get("phone_key"));

        // Only the fields present change; null clears a name.
        t.as().body("{\"properties\":{\"plan\":\"team\"},\"last_name\":null}").when().put(USER, "u-1")
                .then().statusCode(200)
                .body("first_name", equalTo("Asha"))
                .body("$", not(hasKey("last_name")))
                .body("properties.plan", equalTo("team"))
                .body("properties", not(hasKey("seats")))
                .body("emails", hasSize(2));
        t.as().when().get(USER, "u-1").then().statusCode(200)
                .body("user_id", equalTo("u-1"))
                .body("emails[1].email", equalTo("Asha@Example.com"))
                .body("properties.plan", equalTo("team"));
        // New contacts replace the lists and the keys; an empty list clears them.
        t.as().body("{\"emails\":[],\"phone_numbers\":[{\"phone\":\"+44 20 7946 0000\"}]}").when().put(USER, "u-1")
                .then().statusCode(200).body("emails", hasSize(0));
        row = AudienceFixtures.rows("select email_key, phone_key from audience.app_user where company_id = ? "
                + "and user_id = 'u-1'", t.company).get(0);
        assertNull(row.get("email_key"));
        assertEquals("442079460000", row.get("phone_key"));
        assertEquals(1, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ?",
                t.company));
    }

    @Test
    void anEmptyBodyCreatesABarePerson() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{}").when().put(USER, "bare").then().statusCode(201)
                .body("emails", hasSize(0)).body("phone_numbers", hasSize(0))
                .body("properties.size()", equalTo(0));
        t.as().body("{}").when().put(USER, "bare").then().statusCode(200);
    }

    @Test
    void getOfAnUnknownOrAnotherTenantsUserIs404() {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{}").when().put(USER, "u").then().statusCode(201);
        t.as().when().get(USER, "nobody").then().statusCode(404).body("code", equalTo("not_found"));
        new AudienceFixtures().as().when().get(USER, "u").then().statusCode(404);
        AudienceFixtures.asOther(t.company, "app2").when().get(USER, "u").then().statusCode(404);
    }

    @Test
    void anotherPersonsPrimaryEmailOrPhoneIs409() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        t.as().body("{\"emails\":[{\"email\":\"taken@example.com\"}],\"phone_numbers\":[{\"phone\":\"9876543210\","
                + "\"country_code\":91}]}").when().put(USER, "owner").then().statusCode(201);
        t.as().body("{\"first_name\":\"X\",\"emails\":[{\"email\":\"spare@example.com\"},"
                        + "{\"email\":\"TAKEN@example.com\",\"primary\":true}]}")
                .when().put(USER, "thief")
                .then().statusCode(409)
                .body("code", equalTo("conflict"))
                .body("meta.errors.field", equalTo(List.of("emails[1].email")));
        t.as().body("{\"phone_numbers\":[{\"phone\":\"+91 98765 43210\"}]}").when().put(USER, "thief")
                .then().statusCode(409).body("meta.errors.field", equalTo(List.of("phone_numbers[0].phone")));
        // Nothing was written: not even the person.
        assertEquals(0, AudienceFixtures.count("select count(*) from audience.app_user where company_id = ? "
                + "and user_id = 'thief'", t.company));
        // The owner may send it again; another application is another audience.
        t.as().body("{\"emails\":[{\"email\":\"taken@example.com\"}]}").when().put(USER, "owner")
                .then().statusCode(200);
        AudienceFixtures.asOther(t.company, "app2").body("{\"emails\":[{\"email\":\"taken@example.com\"}]}")
                .when().put(USER, "thief").then().statusCode(201);
    }

    @Test
    void everyFieldIsCheckedAndNamed() {
        AudienceFixtures t = new AudienceFixtures();
        for (List<String> bad : List.of(
                List.of("{\"emails\":[{\"email\":\"not-an-email\"}]}", "emails[0].email"),
                List.of("{\"emails\":[{\"email\":\"a@b.co\"},{}]}", "emails[1].email"),
                List.of("{\"emails\":[\"a@b.co\"]}", "emails[0]"),
                List.of("{\"emails\":{\"email\":\"a@b.co\"}}", "emails"),
                List.of("{\"emails\":[{\"email\":\"a@b.co\",\"primary\":true},{\"email\":\"c@d.co\","
                        + "\"primary\":true}]}", "emails[1].primary"),
                List.of("{\"emails\":[{\"email\":\"a@b.co\"},{\"email\":\"A@B.CO\"}]}", "emails[1].email"),
                List.of("{\"emails\":[{\"email\":\"a@b.co\",\"verified\":\"yes\"}]}", "emails[0].verified"),
                List.of("{\"phone_numbers\":[{\"phone\":\"call me\"}]}", "phone_numbers[0].phone"),
                List.of("{\"phone_numbers\":[{\"phone\":\"9999999999\",\"country_code\":\"india\"}]}",
                        "phone_numbers[0].country_code"),
                List.of("{\"properties\":[1]}", "properties"),
                List.of("{\"properties\":{\"a\":\"x\\u0000y\"}}", "properties.a"),
                List.of("{\"properties\":{\"big\":\"" + "x".repeat(33_000) + "\"}}", "properties"),
                List.of("{\"first_name\":5}", "first_name"),
                List.of("{\"last_name\":\"a\\nb\"}", "last_name"),
                List.of("{\"name\":\"" + "n".repeat(256) + "\"}", "name"))) {
            t.as().body(bad.get(0)).when().put(USER, "u")
                    .then().statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", equalTo(List.of(bad.get(1))));
        }
        StringBuilder many = new StringBuilder("{\"emails\":[");
        for (int i = 0; i < 21; i++) {
            many.append(i == 0 ? "" : ",").append("{\"email\":\"u").append(i).append("@example.com\"}");
        }
        t.as().body(many.append("]}").toString()).when().put(USER, "u").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("emails")));
        t.as().body("{\"first_name\":5,\"emails\":[{\"email\":\"bad\"}]}").when().put(USER, "u")
                .then().statusCode(400)
                .body("meta.errors.field", containsInAnyOrder("first_name", "emails[0].email"));
        t.as().body("[]").when().put(USER, "u").then().statusCode(400);
        t.as().body("{}").when().put(USER, "a\tb").then().statusCode(400)
                .body("meta.errors.field", equalTo(List.of("user_id")));
        t.as().when().get(USER, "u").then().statusCode(404);
    }
}
