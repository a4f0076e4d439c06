package io.openaudience.audience.rest;

import io.openaudience.testsupport.RawHttp;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Body limits (common's BodyLimits and JsonHardening) in the Fynd and GoSquared envelopes: a declared length above
 * 10 MiB is refused before the body is read, a huge event batch while it is parsed, not after binding.
 */
@QuarkusTest
class BodyLimitsTest {

    private static final long MIB = 1024 * 1024;

    @Test
    void fyndBodiesAbove10MiBOrHugeArraysAre413InTheFyndEnvelope() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String prefix = "/service/platform/user/v1.0/company/" + t.company + "/application/" + t.application;
        String headers = "Authorization: Bearer " + TestTokens.fynd(t.company, t.application)
                + "\r\nContent-Type: application/json\r\n";
        String[] declared = RawHttp.postDeclaring(prefix + "/user_attribute/definition", headers, 10 * MIB + 1,
                "{\"name\":\"".getBytes(StandardCharsets.UTF_8));
        assertEquals("413", declared[0], declared[1]);
        JsonPath body = new JsonPath(declared[1]);
        assertEquals("payload_too_large", body.getString("code"), declared[1]);
        assertEquals("body", body.getString("meta.errors[0].field"), declared[1]);
        assertTrue(body.getString("request_id") != null, declared[1]);

        byte[] piece = "{},".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        String[] batch = RawHttp.postChunked(prefix + "/events", headers, 60,
                i -> i == 0 ? ("[" + new String(piece, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8)
                        : piece);
        assertEquals("413", batch[0], batch[1]);
        assertEquals("payload_too_large", new JsonPath(batch[1]).getString("code"), batch[1]);
        assertTrue(new JsonPath(batch[1]).getString("message").contains("Token count"), batch[1]);
    }

    @Test
    void aChunkedBodyAbove10MiBIsCutOffWhileItStreamsIn() throws Exception {
        AudienceFixtures t = new AudienceFixtures();
        String prefix = "/service/platform/user/v1.0/company/" + t.company + "/application/" + t.application;
        String headers = "Authorization: Bearer " + TestTokens.fynd(t.company, t.application)
                + "\r\nContent-Type: application/json\r\n";
        byte[] piece = ("{\"name\":\"" + "a".repeat(1000) + "\"},").repeat(64).getBytes(StandardCharsets.UTF_8);
        RawHttp.Streamed answer = RawHttp.postChunkedUntilAnswered(prefix + "/events", headers,
                ("[" + new String(piece, StandardCharsets.UTF_8)).getBytes(StandardCharsets.UTF_8), piece, 200 * MIB);
        assertEquals("413", answer.status(), answer.body());
        assertEquals("payload_too_large", new JsonPath(answer.body()).getString("code"), answer.body());
        assertTrue(answer.sentWhenAnswered() < 64 * MIB, answer.sentWhenAnswered() + " bytes sent before the 413");
        assertTrue(answer.closed(), "the connection stayed open after the 413");
    }

    @Test
    void trackingBodiesAbove10MiBAre413InTheGoSquaredEnvelope() throws Exception {
        GoSquaredFixtures t = new GoSquaredFixtures();
        String target = "/tracking/v1/event?api_key=" + t.apiKey + "&site_token=" + t.siteToken;
        String[] response = RawHttp.postDeclaring(target, "Content-Type: application/json\r\n", 10 * MIB + 1,
                "{\"event\":".getBytes(StandardCharsets.UTF_8));
        assertEquals("413", response[0], response[1]);
        JsonPath body = new JsonPath(response[1]);
        assertEquals(false, body.getBoolean("success"), response[1]);
        assertEquals("payload_too_large", body.getString("error.code"), response[1]);
    }
}
