package io.openaudience.common.rest;

import io.openaudience.common.error.FieldError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The request URIs every service refuses before routing, each naming the part. */
class UriHardeningTest {

    @Test
    void ordinaryUrisPass() {
        assertNull(UriHardening.problem("/api/v2/segments/12", "page=0&size=50"));
        assertNull(UriHardening.problem("//tracking/v1/identify", "api_key=K&site_token=GSN-X"));
        assertNull(UriHardening.problem("/people/v1/smartgroups/caf%C3%A9", "filters=%5B%0A%5D&q=a+b&flag&x="));
        assertNull(UriHardening.problem("/a/%F0%9F%98%80", "v=%E2%82%AC"));
        // Left to the resources, which name the parameter.
        assertNull(UriHardening.problem("/users/a%09b", null));
    }

    @Test
    void theFirstProblemIsNamed() {
        assertProblem("path", "control character (U+0000)", UriHardening.problem("/users/%00", null));
        assertProblem("path", "UTF-8", UriHardening.problem("/users/%FF%FE", null));
        assertProblem("path", "UTF-8", UriHardening.problem("/users/%ED%A0%80", null)); // an encoded surrogate
        assertProblem("path", "percent-escape", UriHardening.problem("/users/%zz", null));
        assertProblem("path", "percent-escape", UriHardening.problem("/users/%4", null));
        assertProblem("page", "control character (U+0007)", UriHardening.problem("/s", "size=1&page=%07"));
        assertProblem("name", "UTF-8", UriHardening.problem("/s", "name=%C3%28"));
        assertProblem("name", "percent-escape", UriHardening.problem("/s", "name=%"));
        assertProblem("query", "a parameter name", UriHardening.problem("/s", "a%00=1"));
        assertProblem("page", "percent-escape", UriHardening.problem("/api/v2/segments", "page=%zz"));
        // What java.net.URI refuses (Quarkus' own check, turned off by ServiceMain) is refused here, naming the part.
        assertProblem("path", "('{') at character 4", UriHardening.problem("/s/{x}", null));
        assertProblem("query", "('|')", UriHardening.problem("/s", "a=b|c"));
    }

    private static void assertProblem(String field, String fragment, FieldError problem) {
        assertEquals(field, problem.field(), String.valueOf(problem));
        assertTrue(problem.message().contains(fragment), problem.message());
    }
}
