package io.openaudience.audience.rest;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code …/smartgroups/{id}/feed}: a signed link (HMAC over tenant, group, range, expiry) valid 15 minutes that
 * downloads the members' pageviews as CSV without a key; expired or changed links are 403; ranges over 60 days 400.
 */
@QuarkusTest
class FeedTest {

    /** The TEST-ONLY secret of application.properties' %test profile. */
    private static final String SECRET = "dev-only-gosquared-feed-secret-0123456789";

    @Test
    void theLinkDownloadsTheMembersPageviewsAsCsv() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.identify("vip-1", "{\"email\":\"Vip1@Example.com\",\"plan\":\"vip\"}");
        t.identify("vip-2", "{\"plan\":\"vip\"}");
        t.identify("other", "{\"plan\":\"free\"}");
        t.event("vip-1", "pageview", "{\"href\":\"https://shop.example/a\",\"title\":\"A\"}", "2026-11-10T10:00:00Z");
        t.event("vip-2", "pageview", "{\"href\":\"=HYPERLINK(1,2)\"}", "2026-11-10T09:00:00Z");
        t.event("vip-1", "pageview", "{\"href\":\"https://shop.example/b?x=1,2\"}", "2026-11-12T10:00:00Z");
        t.event("vip-1", "pageview", "{}", "2026-11-11T10:00:00Z");
        t.event("vip-1", "purchase", "{\"href\":\"https://shop.example/pay\"}", "2026-11-11T11:00:00Z");
        t.event("other", "pageview", "{\"href\":\"https://shop.example/c\"}", "2026-11-11T10:00:00Z");
        t.event("vip-1", "pageview", "{\"href\":\"https://shop.example/late\"}", "2026-11-20T00:00:00Z");
        t.event("vip-1", "pageview", "{\"href\":\"https://shop.example/early\"}", "2026-11-01T00:00:00Z");
        t.group("VIPs", "[{\"key\":\"property\",\"path\":\"custom.plan\",\"operator\":\"=\",\"value\":\"vip\"}]");

        Instant asked = Instant.now();
        var answer = t.gs().queryParam("from", "2026-11-01T00:00:01Z").queryParam("to", "2026-11-19")
                .get("/people/v1/smartgroups/vips/feed").then().statusCode(200).extract();
        String link = answer.path("link");
        Instant expires = Instant.parse(answer.path("expires"));
        assertTrue(link.startsWith("http://localhost:" + RestAssured.port + "/people/v1/smartgroups/vips/feed/"
                + "download?"), link);
        long ttl = Duration.between(asked, expires).toSeconds();
        assertTrue(ttl >= 890 && ttl <= 901, "expires in 15 minutes: " + ttl);

        // No key: the signature is the authorisation. [from, to) with to = the end of 2026-11-19.
        String csv = given().urlEncodingEnabled(false).get(link).then().statusCode(200)
                .contentType(startsWith("text/csv"))
                .header("Content-Disposition", equalTo("attachment; filename=\"vips-pageviews.csv\""))
                .extract().asString();
        assertEquals("timestamp,person_id,email,event,href\r\n"
                + "2026-11-10T09:00:00.000Z,vip-2,,pageview,\"'=HYPERLINK(1,2)\"\r\n"
                + "2026-11-10T10:00:00.000Z,vip-1,Vip1@Example.com,pageview,https://shop.example/a\r\n"
                + "2026-11-12T10:00:00.000Z,vip-1,Vip1@Example.com,pageview,\"https://shop.example/b?x=1,2\"\r\n",
                csv);

        Map<String, String> query = query(link);
        assertEquals(t.company, query.get("company_id"));
        assertEquals("2026-11-20T00:00:00Z", query.get("to"));
        // Any changed part, a missing signature, or the link used for another group: 403.
        for (String tampered : new String[]{
                with(link, "to", "2026-11-21T00:00:00Z"),
                with(link, "from", "2026-11-01T00:00:00Z"),
                with(link, "company_id", "someone"),
                with(link, "application_id", "app2"),
                with(link, "expires", String.valueOf(Long.parseLong(query.get("expires")) + 3600)),
                with(link, "signature", flip(query.get("signature"))),
                with(link, "signature", null),
                with(link, "from", "yesterday"),
                link.replace("/vips/", "/other-group/")}) {
            given().urlEncodingEnabled(false).get(tampered).then().statusCode(403)
                    .body("success", equalTo(false))
                    .body("error.code", equalTo("forbidden"))
                    .body("error.message", equalTo("the download link is not valid"));
        }

        // The same link correctly signed but expired: 403 saying so; still valid: 200 (the test's HMAC is right).
        long past = Instant.now().minusSeconds(1).getEpochSecond();
        given().urlEncodingEnabled(false).get(signed(t, "vips", "2026-11-01T00:00:01Z", "2026-11-20T00:00:00Z", past))
                .then().statusCode(403).body("error.message", containsString("expired"));
        long future = Instant.now().plusSeconds(60).getEpochSecond();
        given().urlEncodingEnabled(false).get(signed(t, "vips", "2026-11-10T09:30:00Z", "2026-11-10T10:00:01Z",
                future)).then().statusCode(200)
                .body(equalTo("timestamp,person_id,email,event,href\r\n2026-11-10T10:00:00.000Z,vip-1,"
                        + "Vip1@Example.com,pageview,https://shop.example/a\r\n"));
    }

    @Test
    void rangesAreCheckedAndOtherApplicationsGroupsAreNotFound() {
        GoSquaredFixtures t = new GoSquaredFixtures();
        t.group("All", "[]");
        String feed = "/people/v1/smartgroups/all/feed";
        t.gs().queryParam("from", "2026-01-01").queryParam("to", "2026-03-03").get(feed).then().statusCode(400)
                .body("success", equalTo(false))
                .body("error.message", containsString("60 days"));
        t.gs().queryParam("from", "2026-01-01").queryParam("to", "2026-03-01").get(feed).then().statusCode(200);
        t.gs().queryParam("from", "2026-03-01").queryParam("to", "2026-01-01").get(feed).then().statusCode(400)
                .body("error.message", containsString("from"));
        t.gs().queryParam("from", "last week").get(feed).then().statusCode(400)
                .body("error.message", containsString("from"));
        t.gs().queryParam("to", "2026-13-01").get(feed).then().statusCode(400)
                .body("error.message", containsString("to"));
        // Defaults: to = now, from = 60 days before.
        String link = t.gs().get(feed).then().statusCode(200).extract().path("link");
        Map<String, String> q = query(link);
        assertEquals(Duration.ofDays(60), Duration.between(Instant.parse(q.get("from")), Instant.parse(q.get("to"))));
        given().urlEncodingEnabled(false).get(link).then().statusCode(200)
                .body(equalTo("timestamp,person_id,email,event,href\r\n"));
        new GoSquaredFixtures("app2").gs().get(feed).then().statusCode(404);
    }

    /** A download link for the tenant's group signed here, independently of the service's code. */
    private static String signed(GoSquaredFixtures t, String group, String from, String to, long expires)
            throws Exception {
        StringBuilder message = new StringBuilder("gosquared-feed-v1");
        for (String part : new String[]{t.company, t.application, group, from, to, Long.toString(expires)}) {
            message.append('|').append(part.length()).append(':').append(part);
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(message.toString().getBytes(StandardCharsets.UTF_8)));
        return "http://localhost:" + RestAssured.port + "/people/v1/smartgroups/" + group + "/feed/download?company_id="
                + t.company + "&application_id=" + t.application + "&from=" + from + "&to=" + to + "&expires="
                + expires + "&signature=" + signature;
    }

    private static Map<String, String> query(String link) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : URI.create(link).getRawQuery().split("&")) {
            String[] kv = pair.split("=", 2);
            out.put(kv[0], URLDecoder.decode(kv[1], StandardCharsets.UTF_8));
        }
        return out;
    }

    /** The link with one query parameter set to {@code value} (null: left out). */
    private static String with(String link, String name, String value) {
        Map<String, String> q = query(link);
        if (value == null) {
            q.remove(name);
        } else {
            q.put(name, value);
        }
        StringBuilder out = new StringBuilder(link.substring(0, link.indexOf('?') + 1));
        q.forEach((k, v) -> out.append(out.charAt(out.length() - 1) == '?' ? "" : "&").append(k).append('=')
                .append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return out.toString();
    }

    private static String flip(String signature) {
        char c = signature.charAt(5);
        return signature.substring(0, 5) + (c == 'A' ? 'B' : 'A') + signature.substring(6);
    }
}
