package io.openaudience.notification.rest;

import io.openaudience.testsupport.InfraTestResource;
import io.openaudience.testsupport.RawHttp;
import io.openaudience.testsupport.TestTokens;
import io.quarkus.test.common.TestResourceScope;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request target that is not a valid URI is a 400 in the Shorter Loop envelope naming the part, not an empty 400. */
@QuarkusTest
@WithTestResource(value = InfraTestResource.class, scope = TestResourceScope.GLOBAL)
class MalformedUriTest {

    @Test
    void brokenEscapesAndIllegalCharactersAre400NamingThePart() throws Exception {
        String auth = "Authorization: Bearer " + TestTokens.shorterLoop(7, "DEE") + "\r\ninitiativeId: DEE\r\n";
        String[][] cases = {
            {"/api/v2/notifications/%zz", "path", "percent-escape"},
            {"/api/v2/notifications/%zz/recipients?page=1", "path", "percent-escape"},
            {"/api/v2/notifications/00000000-0000-0000-0000-000000000000/recipients?page=%zz", "page",
                "percent-escape"},
            {"/api/v2/notifications/unsubscribe?token=%", "token", "percent-escape"},
            {"/api/v2/notifications/{id}", "path", "not allowed in a URI"},
        };
        for (String[] c : cases) {
            String[] response = RawHttp.get(c[0], auth);
            assertEquals("400", response[0], c[0] + " -> " + response[1]);
            JsonPath body = new JsonPath(response[1]);
            assertEquals(false, body.getBoolean("success"), response[1]);
            assertTrue(body.getString("message").contains(c[2]), c[0] + " -> " + response[1]);
            assertEquals(c[1], body.getString("errors[0].field"), c[0] + " -> " + response[1]);
        }
    }
}
