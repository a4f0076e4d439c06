package io.openaudience.segments.rest;

import io.openaudience.testsupport.RawHttp;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static io.openaudience.segments.rest.Fixtures.as;
import static io.openaudience.segments.rest.Fixtures.newSubscription;
import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Body limits per route (common's BodyLimits and JsonHardening): 10 MiB for JSON, the HTTP layer's 320M only on the
 * multipart imports; a JSON body beyond its limit or a huge array is refused as a 413 in the envelope while it is
 * read, whether its length is declared or not.
 */
@QuarkusTest
class BodyLimitsTest {

    private static final long MIB = 1024 * 1024;

    private static String auth(long sub) {
        return "Authorization: Bearer " + TestTokens.shorterLoop(sub, "DEE") + "\r\ninitiativeId: DEE\r\n";
    }

    @Test
    void aDeclaredJsonBodyAbove10MiBIs413BeforeItIsRead() throws Exception {
        long sub = newSubscription();
        String[] response = RawHttp.postDeclaring("/api/v2/segments", auth(sub)
                + "Content-Type: application/json\r\n", 10 * MIB + 1, "{\"value\":\"".getBytes(StandardCharsets.UTF_8));
        assertTooLarge(response, "limit of " + 10 * MIB);
        // The same length on the import route is within its limit: the intake's own file limit (1M in tests) answers.
        byte[] file = new byte[(int) (10 * MIB + 1)];
        java.util.Arrays.fill(file, (byte) 'a');
        given().auth().oauth2(TestTokens.shorterLoop(sub, "DEE")).header("initiativeId", "DEE")
                .multiPart("metrics", "big.csv", file, "text/csv")
                .when().post("/api/v2/idea-manager/create-users")
                .then().statusCode(413)
                .body("message", containsString("larger than the limit"));
        // Above the HTTP layer's limit even the import route refuses, before reading, in the envelope.
        String[] huge = RawHttp.postDeclaring("/api/v2/idea-manager/create-users", auth(sub)
                + "Content-Type: multipart/form-data; boundary=b\r\n", 400 * MIB, new byte[0]);
        assertTooLarge(huge, "limit of " + 320 * MIB);
    }

    @Test
    void aChunkedJsonBodyAbove10MiBIs413WhileParsed() throws Exception {
        long sub = newSubscription();
        String member = "{\"name\":\"" + "a".repeat(1000) + "\",\"email\":\"m@example.com\"},";
        byte[] piece = member.repeat(64).getBytes(StandardCharsets.UTF_8); // ~66 KB, 384 tokens
        String[] response = RawHttp.postChunked("/api/v2/idea-manager/bulk-create-user",
                auth(sub) + "Content-Type: application/json\r\n", 200,
                i -> i == 0 ? concat("[".getBytes(StandardCharsets.UTF_8), piece) : piece);
        assertTooLarge(response, "Document length");
    }

    @Test
    void aChunkedJsonBodyIsCutOffAtTheJsonLimitNotTheImportLimit() throws Exception {
        long sub = newSubscription();
        String member = "{\"name\":\"" + "a".repeat(1000) + "\",\"email\":\"m@example.com\"},";
        byte[] piece = member.repeat(64).getBytes(StandardCharsets.UTF_8);
        // Up to 330 MiB offered, more than the 320M the import routes may take: a JSON route answers near 10 MiB.
        RawHttp.Streamed answer = RawHttp.postChunkedUntilAnswered("/api/v2/idea-manager/bulk-create-user",
                auth(sub) + "Content-Type: application/json\r\n", concat("[".getBytes(StandardCharsets.UTF_8), piece),
                piece, 330 * MIB);
        assertTooLarge(new String[]{answer.status(), answer.body()}, "limit");
        // Answered while the body streamed in: the 10 MiB read, plus what the two sockets' buffers hold.
        assertTrue(answer.sentWhenAnswered() < 64 * MIB, answer.sentWhenAnswered() + " bytes sent before the 413: "
                + answer.body());
        // And the rest is never read: the connection closes after the answer.
        assertTrue(answer.closed(), "the connection stayed open after the 413");
    }

    @Test
    void aHugeArrayIs413WhileParsedNotAfterBinding() throws Exception {
        long sub = newSubscription();
        // 1.8 MB: far below the body limit, but 1.2 million tokens.
        byte[] piece = "{},".repeat(10_000).getBytes(StandardCharsets.UTF_8);
        String[] response = RawHttp.postChunked("/api/v2/idea-manager/bulk-create-user",
                auth(sub) + "Content-Type: application/json\r\n", 60,
                i -> i == 0 ? concat("[".getBytes(StandardCharsets.UTF_8), piece) : piece);
        assertTooLarge(response, "Token count");
        // A batch within the limits still works.
        as(sub, "DEE").body("[{\"name\":\"Ok\",\"email\":\"ok@example.com\"}]")
                .post("/api/v2/idea-manager/bulk-create-user").then().statusCode(200)
                .body("success", equalTo(true));
    }

    private static void assertTooLarge(String[] response, String fragment) {
        assertEquals("413", response[0], response[1]);
        JsonPath body = new JsonPath(response[1]);
        assertEquals(false, body.getBoolean("success"), response[1]);
        assertTrue(body.getString("message").contains(fragment), response[1]);
        assertEquals("body", body.getString("errors[0].field"), response[1]);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
