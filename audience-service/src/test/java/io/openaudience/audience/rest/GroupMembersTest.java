package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.openaudience.audience.rest.GroupFixtures.addMembers;
import static io.openaudience.audience.rest.GroupFixtures.as;
import static io.openaudience.audience.rest.GroupFixtures.createGroup;
import static io.openaudience.audience.rest.GroupFixtures.freshCompany;
import static io.openaudience.audience.rest.GroupFixtures.person;
import static io.openaudience.audience.rest.GroupFixtures.prefix;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Row 19: a group's members by opaque cursor in member key order, both ways, stable while members are added, with
 * the {@code q} filter; a bad cursor, direction, page size or flag is a 400 naming it.
 */
@QuarkusTest
class GroupMembersTest {

    @Test
    void pagesForwardAndBackInUserSummaryShape() throws Exception {
        String company = freshCompany();
        String group = createGroup(company, "Paged");
        List<Long> people = people(company, "u", 25);
        addMembers(company, group, people);
        String users = prefix(company) + "/user_group/" + group + "/users";

        Response first = as(company).queryParam("page_size", "10").when().get(users).then().statusCode(200)
                .body("items", hasSize(10))
                .body("items[0].user_id", equalTo("u0"))
                .body("items[0].emails[0].email", equalTo("u0@example.com"))
                .body("items[0].emails[0].primary", equalTo(true))
                .body("items[0].emails[0].verified", equalTo(true))
                .body("items[0].emails[0].active", equalTo(true))
                .body("items[0].phone_numbers[0].phone", equalTo("9000000000"))
                .body("items[0].phone_numbers[0].country_code", equalTo(91))
                .body("page.type", equalTo("cursor"))
                .body("page.current", equalTo(1))
                .body("page.size", equalTo(10))
                .body("page.has_next", equalTo(true))
                .body("page.has_prev", equalTo(false))
                .body("page.next_cursor", notNullValue())
                .body("page.prev_cursor", nullValue())
                .extract().response();
        Response second = next(company, users, first, 10).then().statusCode(200)
                .body("items.user_id", contains(ids("u", 10, 20).toArray()))
                .body("page.current", equalTo(2))
                .body("page.has_prev", equalTo(true))
                .body("page.has_next", equalTo(true)).extract().response();
        Response third = next(company, users, second, 10).then().statusCode(200)
                .body("items.user_id", contains(ids("u", 20, 25).toArray()))
                .body("page.current", equalTo(3))
                .body("page.has_next", equalTo(false))
                .body("page.next_cursor", nullValue())
                .body("page.has_prev", equalTo(true)).extract().response();
        Response back = as(company).queryParam("page_size", "10").queryParam("direction", "prev")
                .queryParam("cursor", (String) third.path("page.prev_cursor")).when().get(users).then()
                .statusCode(200)
                .body("items.user_id", contains(ids("u", 10, 20).toArray()))
                .body("page.current", equalTo(2))
                .body("page.has_prev", equalTo(true))
                .body("page.has_next", equalTo(true)).extract().response();
        as(company).queryParam("page_size", "10").queryParam("direction", "prev")
                .queryParam("cursor", (String) back.path("page.prev_cursor")).when().get(users).then()
                .statusCode(200)
                .body("items.user_id", contains(ids("u", 0, 10).toArray()))
                .body("page.current", equalTo(1))
                .body("page.has_prev", equalTo(false))
                .body("page.prev_cursor", nullValue())
                .body("page.has_next", equalTo(true));
        // The default page size is 10; the group's uid works as well as its _id.
        long uid = ((Number) as(company).when().get(prefix(company) + "/user_group/" + group).then()
                .extract().path("uid")).longValue();
        as(company).when().get(prefix(company) + "/user_group/" + uid + "/users").then().statusCode(200)
                .body("items", hasSize(10)).body("page.size", equalTo(10));
    }

    @Test
    void membersAddedBetweenPagesNeitherRepeatNorPushOthersOut() throws Exception {
        String company = freshCompany();
        String group = createGroup(company, "Growing");
        // Every other person joins now; the rest (interleaved keys, older and newer) join while the client pages.
        List<Long> people = people(company, "p", 40);
        List<Long> initial = new ArrayList<>();
        List<Long> later = new ArrayList<>();
        for (int i = 0; i < people.size(); i++) {
            (i % 2 == 0 ? initial : later).add(people.get(i));
        }
        addMembers(company, group, initial);
        String users = prefix(company) + "/user_group/" + group + "/users";

        List<String> seen = new ArrayList<>();
        Response page = as(company).queryParam("page_size", "7").when().get(users).then().statusCode(200)
                .extract().response();
        seen.addAll(page.path("items.user_id"));
        int batch = 0;
        while (Boolean.TRUE.equals(page.path("page.has_next"))) {
            if (batch * 5 < later.size()) {
                addMembers(company, group, later.subList(batch * 5, Math.min(later.size(), batch * 5 + 5)));
                batch++;
            }
            List<Long> newer = people(company, "n" + batch + "-", 2);
            addMembers(company, group, newer);
            page = next(company, users, page, 7).then().statusCode(200).extract().response();
            seen.addAll(page.path("items.user_id"));
        }
        assertEquals(seen.size(), new HashSet<>(seen).size(), "a member was shown twice: " + seen);
        Set<String> all = new HashSet<>(seen);
        for (int i = 0; i < people.size(); i += 2) {
            assertTrue(all.contains("p" + i), "p" + i + " was there from the start and was skipped: " + seen);
        }
        for (int i = 1; i < seen.size(); i++) {
            assertTrue(key(seen.get(i - 1), company) < key(seen.get(i), company), "out of key order: " + seen);
        }
    }

    @Test
    void qMatchesThePrimaryEmailOrPhoneAndThereIsNoBlacklist() throws Exception {
        String company = freshCompany();
        String group = createGroup(company, "Searchable");
        List<Long> people = new ArrayList<>();
        people.add(person(company, "ana", "ana.lima@shop.example", "919811111111"));
        people.add(person(company, "bo", "bo@other.example", "919822222222"));
        people.add(person(company, "cy", "cy_100%@shop.example", null));
        people.add(person(company, "dee", null, "919833333333"));
        addMembers(company, group, people);
        String outsider = createGroup(company, "Outsider");
        addMembers(company, outsider, List.of(person(company, "eve", "eve@shop.example", null)));
        String users = prefix(company) + "/user_group/" + group + "/users";

        as(company).queryParam("q", "SHOP.example").when().get(users).then().statusCode(200)
                .body("items.user_id", contains("ana", "cy"));
        as(company).queryParam("q", "98222").when().get(users).then().body("items.user_id", contains("bo"));
        as(company).queryParam("q", "+91 98333").when().get(users).then().body("items.user_id", contains("dee"));
        as(company).queryParam("q", "100%").when().get(users).then().body("items.user_id", contains("cy"));
        as(company).queryParam("q", "_").when().get(users).then().body("items.user_id", contains("cy"));
        Response firstMatch = as(company).queryParam("q", "example").queryParam("page_size", "1").when().get(users)
                .then().body("items.user_id", contains("ana")).body("page.has_next", equalTo(true)).extract()
                .response();
        as(company).queryParam("q", "example").queryParam("page_size", "1")
                .queryParam("cursor", (String) firstMatch.path("page.next_cursor")).when().get(users).then()
                .body("items.user_id", contains("bo")).body("page.has_prev", equalTo(true));
        as(company).queryParam("blacklisted_users", "true").when().get(users).then().statusCode(200)
                .body("items", hasSize(0)).body("page.has_next", equalTo(false));
        as(company).queryParam("blacklisted_users", "0").when().get(users).then().statusCode(200)
                .body("items", hasSize(4));
    }

    @Test
    void badCursorsAndParametersAre400NamingThem() throws Exception {
        String company = freshCompany();
        String group = createGroup(company, "Strict members");
        String other = createGroup(company, "Other members");
        addMembers(company, group, people(company, "s", 3));
        addMembers(company, other, people(company, "o", 3));
        String users = prefix(company) + "/user_group/" + group + "/users";
        String cursor = as(company).queryParam("page_size", "1").when().get(users).then().extract()
                .path("page.next_cursor");

        byte[] bytes = Base64.getUrlDecoder().decode(cursor);
        bytes[20] ^= 1;
        String tampered = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        for (String bad : List.of(tampered, "garbage", "////", cursor.substring(1), cursor + "A", "x".repeat(500))) {
            as(company).queryParam("cursor", bad).when().get(users).then().statusCode(400)
                    .body("code", equalTo("invalid_request"))
                    .body("meta.errors.field", hasItem("cursor"));
        }
        String othersCursor = as(company).queryParam("page_size", "1").when()
                .get(prefix(company) + "/user_group/" + other + "/users").then().extract().path("page.next_cursor");
        as(company).queryParam("cursor", othersCursor).when().get(users).then().statusCode(400)
                .body("meta.errors.field", hasItem("cursor"));
        Map<String, String> bad = Map.of("direction", "sideways", "page_size", "101", "blacklisted_users", "maybe",
                "q", "a\u0000b");
        bad.forEach((name, value) -> as(company).queryParam(name, value).when().get(users).then().statusCode(400)
                .body("meta.errors.field", hasItem(name)));
        as(company).queryParam("page_size", "0").when().get(users).then().statusCode(400)
                .body("meta.errors.field", hasItem("page_size"));
        as(company).queryParam("cursor", cursor).when().get(users).then().statusCode(200);
    }

    private static Response next(String company, String users, Response page, int size) {
        return as(company).queryParam("page_size", String.valueOf(size)).queryParam("direction", "next")
                .queryParam("cursor", (String) page.path("page.next_cursor")).when().get(users);
    }

    /**
     * {@code count} people {@code <prefix>0 …} in key order, with emails; the {@code u} people also have phone
     * numbers (91 9000000000 + i).
     */
    private static List<Long> people(String company, String prefix, int count) throws Exception {
        List<Long> pks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pks.add(person(company, prefix + i, prefix + i + "@example.com",
                    prefix.equals("u") ? "91" + (9_000_000_000L + i) : null));
        }
        return pks;
    }

    private static List<String> ids(String prefix, int from, int to) {
        List<String> ids = new ArrayList<>();
        for (int i = from; i < to; i++) {
            ids.add(prefix + i);
        }
        return ids;
    }

    private static long key(String userId, String company) throws Exception {
        return GroupFixtures.count("SELECT id FROM audience.app_user WHERE company_id = ? AND user_id = ?", company,
                userId);
    }
}
