package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.openaudience.audience.rest.AudienceFixtures.DEFINITIONS;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

/** Row 1: the definition list with every filter the contract and the Fynd SDK send, paging, and bad values. */
@QuarkusTest
class AttributeDefinitionListTest {

    private AudienceFixtures t;
    private String tier;
    private String birthday;
    private String pan;
    private String vip;

    @BeforeEach
    void fourDefinitions() {
        t = new AudienceFixtures();
        tier = t.definition("loyalty_tier", "string", "\"pinned\":true,\"pin_order\":1,\"customer_editable\":true,"
                + "\"validations\":[{\"type\":\"max_length\",\"value\":8}],\"default_value\":\"bronze\"");
        birthday = t.definition("birthday", "date", "\"pinned\":true,\"pin_order\":2");
        pan = t.definition("pan_number", "string", "\"encrypted\":true");
        vip = t.definition("vip", "boolean", "\"is_locked\":true");
        // Another application and another company: never listed.
        AudienceFixtures.asOther(t.company, "app2")
                .body("{\"name\":\"Tier\",\"slug\":\"tier\",\"description\":\"d\",\"type\":\"string\"}")
                .post(DEFINITIONS).then().statusCode(201);
        new AudienceFixtures().definition("loyalty_tier", "string", null);
    }

    @Test
    void listsInCreationOrderWithEveryField() {
        t.as().when().get(DEFINITIONS)
                .then().statusCode(200)
                .body("items._id", contains(tier, birthday, pan, vip))
                .body("items[0].validations[0].type", equalTo("max_length"))
                .body("items[0].default_value", equalTo("bronze"))
                .body("items[0].pin_order", equalTo(1))
                .body("items[0].customer_editable", equalTo(true))
                .body("items[2].type", equalTo("encrypted_string"))
                .body("page.item_total", equalTo(4))
                .body("page.type", equalTo("number"));
    }

    @Test
    void everyFilterNarrowsTheList() {
        t.as().queryParam("name", "TIER").get(DEFINITIONS).then().statusCode(200)
                .body("items._id", contains(tier)).body("page.item_total", equalTo(1));
        t.as().queryParam("name", "_").get(DEFINITIONS).then().statusCode(200)
                .body("items._id", contains(tier, pan));
        t.as().queryParam("name", "%").get(DEFINITIONS).then().statusCode(200).body("items", hasSize(0));
        t.as().queryParam("slug", "birthday").get(DEFINITIONS).then().body("items._id", contains(birthday));
        t.as().queryParam("type", "boolean").get(DEFINITIONS).then().body("items._id", contains(vip));
        t.as().queryParam("customer_editable", "true").get(DEFINITIONS).then().body("items._id", contains(tier));
        t.as().queryParam("encrypted", "1").get(DEFINITIONS).then().body("items._id", contains(pan));
        t.as().queryParam("encrypted", "false").get(DEFINITIONS).then()
                .body("items._id", contains(tier, birthday, vip));
        t.as().queryParam("pinned", "True").get(DEFINITIONS).then().body("items._id", contains(tier, birthday));
        t.as().queryParam("pin_order", "2").get(DEFINITIONS).then().body("items._id", contains(birthday));
        t.as().queryParam("is_locked", "true").get(DEFINITIONS).then().body("items._id", contains(vip));
        t.as().queryParam("excluding_ids", tier + ", " + vip).get(DEFINITIONS).then()
                .body("items._id", contains(birthday, pan)).body("page.item_total", equalTo(2));
        t.as().queryParam("pinned", "true").queryParam("name", "birth").get(DEFINITIONS).then()
                .body("items._id", contains(birthday));
        // Empty values are no filter (the SDK sends every parameter, undefined ones empty).
        t.as().queryParam("slug", "").queryParam("pinned", "").get(DEFINITIONS).then()
                .body("items", hasSize(4));
    }

    @Test
    void pagesAreNumbered() {
        t.as().queryParam("page_size", "3").queryParam("page_no", "1").get(DEFINITIONS).then().statusCode(200)
                .body("items._id", contains(tier, birthday, pan))
                .body("page.current", equalTo(1)).body("page.size", equalTo(3))
                .body("page.item_total", equalTo(4))
                .body("page.has_next", equalTo(true)).body("page.has_previous", equalTo(false));
        t.as().queryParam("page_size", "3").queryParam("page_no", "2").get(DEFINITIONS).then().statusCode(200)
                .body("items._id", contains(vip))
                .body("page.has_next", equalTo(false)).body("page.has_previous", equalTo(true));
        t.as().queryParam("page_no", "9").get(DEFINITIONS).then().statusCode(200).body("items", hasSize(0));
    }

    @Test
    void badValuesAre400NamingTheQueryParameter() {
        for (List<String> bad : List.of(List.of("customer_editable", "yes"), List.of("encrypted", "2"),
                List.of("pinned", "maybe"), List.of("is_locked", "locked"), List.of("pin_order", "first"),
                List.of("type", "text"), List.of("excluding_ids", "abc"), List.of("page_no", "0"),
                List.of("page_no", "x"), List.of("page_size", "101"), List.of("page_size", "0"))) {
            t.as().queryParam(bad.get(0), bad.get(1)).get(DEFINITIONS)
                    .then().statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", equalTo(List.of(bad.get(0))))
                    .body("message", containsString(bad.get(0)));
        }
        t.as().queryParam("name", "n".repeat(256)).get(DEFINITIONS).then().statusCode(400)
                .body("meta.errors.field", containsInAnyOrder("name"));
    }
}
