package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.execute;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;

/**
 * Rows 11–14 and 16: tags, categories, groups by category, the filtered list and a single group, each scoped to the
 * caller's application; another tenant's group is a 404 on every {@code {group_id}} route.
 */
@QuarkusTest
class UserGroupReadTest {

    @Test
    void listFiltersPagesAndOrdersNewestFirst() throws Exception {
        String company = freshCompany();
        String a = create(company, "VIP buyers", "loyalty", List.of("vip", "q3"));
        String b = create(company, "Newsletter 100% opt-in", null, List.of("mail"));
        String c = create(company, "Lapsed vips", "loyalty", List.of("q3"));
        execute("UPDATE audience.user_group SET status = 'completed' WHERE id = ?", b);
        create(freshCompany(), "VIP buyers", "loyalty", List.of("vip"));

        String list = prefix(company) + "/user_group";
        as(company).when().get(list).then().statusCode(200)
                .body("items._id", contains(c, b, a))
                .body("page.type", equalTo("number"))
                .body("page.current", equalTo(1))
                .body("page.size", equalTo(10))
                .body("page.item_total", equalTo(3))
                .body("page.has_next", equalTo(false))
                .body("page.has_previous", equalTo(false));
        as(company).queryParam("page_size", "2").queryParam("page_no", "2").when().get(list).then().statusCode(200)
                .body("items._id", contains(a))
                .body("page.current", equalTo(2))
                .body("page.item_total", equalTo(3))
                .body("page.has_previous", equalTo(true));
        as(company).queryParam("name", "VIP").when().get(list).then().body("items._id", contains(c, a));
        as(company).queryParam("name", "100%").when().get(list).then().body("items._id", contains(b));
        as(company).queryParam("name", "1_0").when().get(list).then().body("items", hasSize(0));
        as(company).queryParam("status", "completed").when().get(list).then().body("items._id", contains(b));
        as(company).queryParam("status", "pending").when().get(list).then().body("items._id", contains(c, a));
        as(company).queryParam("type", "bulk").when().get(list).then().body("items", hasSize(3));
        as(company).queryParam("type", "conditional").when().get(list).then().body("items", hasSize(0));
        as(company).queryParam("category", "loyalty").when().get(list).then().body("items._id", contains(c, a));
        as(company).queryParam("tags", "vip,mail").when().get(list).then().body("items._id", contains(b, a));
        as(company).queryParam("tags", "q3").queryParam("tags", "nothing").when().get(list).then()
                .body("items._id", contains(c, a));
        long uid = ((Number) as(company).when().get(list + "/" + a).then().extract().path("uid")).longValue();
        as(company).queryParam("group_uid", uid).when().get(list).then().body("items._id", contains(a))
                .body("page.item_total", equalTo(1));
    }

    @Test
    void badListParametersAre400NamingThem() {
        String company = freshCompany();
        String list = prefix(company) + "/user_group";
        Map<String, String> bad = Map.of("status", "done", "type", "smart", "page_size", "101", "page_no", "0",
                "group_uid", "abc");
        bad.forEach((name, value) -> as(company).queryParam(name, value).when().get(list).then().statusCode(400)
                .body("code", equalTo("invalid_request"))
                .body("meta.errors.field", hasItem(name)));
        as(company).queryParam("page_size", "ten").when().get(list).then().statusCode(400)
                .body("meta.errors.field", hasItem("page_size"));
    }

    @Test
    void getTakesTheIdOrTheUidAndAnotherTenantsGroupIsNotFoundAnywhere() throws Exception {
        String company = freshCompany();
        String id = create(company, "Mine", null, List.of());
        long uid = ((Number) as(company).when().get(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .extract().path("uid")).longValue();
        as(company).when().get(prefix(company) + "/user_group/" + uid).then().statusCode(200)
                .body("_id", equalTo(id));

        String stranger = freshCompany();
        for (String ref : List.of(id, String.valueOf(uid))) {
            String group = prefix(stranger) + "/user_group/" + ref;
            as(stranger).when().get(group).then().statusCode(404).body("code", equalTo("not_found"))
                    .body("request_id", notNullValue());
            as(stranger).body(Map.of("name", "Taken over")).when().patch(group).then().statusCode(404);
            as(stranger).body(Map.of("name", "Taken over")).when().put(group).then().statusCode(404);
            as(stranger).when().delete(group).then().statusCode(404);
            as(stranger).when().get(group + "/users").then().statusCode(404);
            as(stranger).when().post(group + "/refresh").then().statusCode(404);
        }
        for (String ref : List.of("nope", "0", "0123456789abcdef0123456X", "99999999999999999999")) {
            as(company).when().get(prefix(company) + "/user_group/" + ref).then().statusCode(404);
        }
        as(company).when().get(prefix(company) + "/user_group/" + id).then().statusCode(200)
                .body("name", equalTo("Mine"));
        RestAssured.given().when().get(prefix(company) + "/user_group/" + id).then().statusCode(401);
        as(stranger).when().get(prefix(company) + "/user_group/" + id).then().statusCode(403);
    }

    @Test
    void tagsAreTheDistinctTagsOfTheApplicationsGroups() {
        String company = freshCompany();
        create(company, "One", null, List.of("vip", "q3"));
        create(company, "Two", null, List.of("q3", "beta"));
        create(company, "Three", null, List.of());
        create(freshCompany(), "Elsewhere", null, List.of("secret"));
        as(company).when().get(prefix(company) + "/user_group/tags").then().statusCode(200)
                .body("items", contains("beta", "q3", "vip"));
        as(freshCompany()).when().get(prefix(freshCompany()) + "/user_group/tags").then().statusCode(403);
    }

    @Test
    void categoriesAreCustomThenThoseInUseAndCategorisedListsTheirGroups() throws Exception {
        String company = freshCompany();
        String first = create(company, "First", "loyalty_tier", List.of());
        String second = create(company, "Second", "loyalty_tier", List.of());
        String plain = create(company, "Plain", null, List.of());
        String categories = prefix(company) + "/user_group/categories";
        as(company).when().get(categories).then().statusCode(200)
                .body("items.key", contains("custom", "loyalty_tier"))
                .body("items[0].name", equalTo("Custom"))
                .body("items[0].description", notNullValue())
                .body("items[1].name", equalTo("Loyalty tier"))
                .body("items[1].description", equalTo(""));
        as(company).queryParam("category", "loyalty_tier").when().get(categories).then().statusCode(200)
                .body("items.key", contains("loyalty_tier"));
        as(company).queryParam("category", "unknown").when().get(categories).then().statusCode(200)
                .body("items", hasSize(0));

        as(company).when().get(prefix(company) + "/user_group/categorised").then().statusCode(200)
                .body("user_groups.custom._id", contains(plain))
                .body("user_groups.loyalty_tier._id", contains(second, first))
                .body("user_groups.loyalty_tier[0].status", equalTo("pending"))
                .body("user_groups", not(hasKey("other")));

        // Bounded: the newest 50 of a category (the configured default).
        execute("INSERT INTO audience.user_group (company_id, application_id, name, type, category, created_at) "
                + "SELECT ?, ?, 'bulk ' || g, 'bulk', 'many', now() - g * interval '1 second' "
                + "FROM generate_series(1, 60) g", company, GroupFixtures.APP);
        as(company).when().get(prefix(company) + "/user_group/categorised").then().statusCode(200)
                .body("user_groups.many", hasSize(50))
                .body("user_groups.many[0].name", equalTo("bulk 1"))
                .body("user_groups.many[49].name", equalTo("bulk 50"))
                .body("user_groups.custom", hasSize(1));
    }

    static String create(String company, String name, String category, List<String> tags) {
        Map<String, Object> body = new java.util.HashMap<>(Map.of("name", name, "description", "",
                "file_url", "http://127.0.0.1:9/" + name.hashCode() + ".csv", "tags", tags));
        if (category != null) {
            body.put("category", category);
        }
        return as(company).body(body).when().post(prefix(company) + "/user_group").then().statusCode(201)
                .body("name", containsString(name.substring(0, 2))).extract().path("_id");
    }
}
