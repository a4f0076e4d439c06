package io.openaudience.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The three gateways (the Ingresses of overlays/prod, the HTTPRoutes of overlays/prod-gateway-api, the local nginx of
 * deploy/local/gateway.conf) send every path of API.md to the service that owns it, and let through bodies as large
 * as that service's own limit and no larger.
 */
class GatewayRoutesTest {

    private static final String FYND_PREFIX =
            "/service/platform/user/v1.0/company/{company_id}/application/{application_id}";
    /** Who owns which paths: DESIGN.md's table "Services and what each owns" (the gateways must agree with it). */
    private static final Map<String, String> OWNERS = new LinkedHashMap<>();

    static {
        OWNERS.put("/api/v2/segments", "segments-service");
        OWNERS.put("/api/v2/idea-manager", "segments-service");
        OWNERS.put("/api/v2/jobs", "segments-service");
        OWNERS.put("/api/v2/notifications", "notification-service");
        OWNERS.put("/service/platform/user", "audience-service");
        OWNERS.put("/people/v1", "audience-service");
        OWNERS.put("/tracking/v1", "audience-service");
    }

    private static final List<String> SERVICES =
            List.of("segments-service", "audience-service", "notification-service");
    private static List<String> apiPaths;

    /**
     * The paths of API.md as last read, committed, so a clone without the shared/ folder beside it (CI) checks the
     * same list; where API.md is found, the list must still be what it names.
     */
    private static final Path API_PATHS = Manifests.ROOT.resolve("deploy/k8s/check/src/test/resources/api-paths.txt");

    @BeforeAll
    static void readApiMd() throws IOException {
        Optional<Path> md = apiMd();
        if (md.isEmpty()) {
            apiPaths = Files.readAllLines(API_PATHS);
            return;
        }
        apiPaths = apiPaths(Manifests.read(md.get()));
        if ("1".equals(System.getenv("WRITE_API_PATHS"))) {
            Files.write(API_PATHS, apiPaths);
        }
        assertEquals(Files.readAllLines(API_PATHS), apiPaths, "API.md names other paths than "
                + "src/test/resources/api-paths.txt: refresh it with WRITE_API_PATHS=1 deploy/k8s/check/run");
    }

    /** API.md sits in shared/ beside the repository or a level higher (a worktree); API_MD overrides. */
    static Optional<Path> apiMd() {
        String override = System.getenv("API_MD");
        if (override != null && !override.isBlank()) {
            return Optional.of(Path.of(override));
        }
        return Stream.of("../shared/API.md", "../../shared/API.md", "../../../shared/API.md")
                .map(Manifests.ROOT::resolve).map(Path::normalize).filter(Files::isRegularFile).findFirst();
    }

    /** Every path API.md names in backquotes (tables and prose), "…" expanded to the Fynd prefix, query cut off. */
    static List<String> apiPaths(String apiMd) {
        TreeSet<String> paths = new TreeSet<>();
        Matcher code = Pattern.compile("`([^`]+)`").matcher(apiMd);
        Pattern path = Pattern.compile("(…|/(?:api/v2|people/v1|tracking/v1|service/platform))[^\\s?`]*");
        while (code.find()) {
            Matcher m = path.matcher(code.group(1));
            while (m.find()) {
                String p = m.group().replace("…", FYND_PREFIX).replaceAll("[.,;:)]+$", "");
                paths.add(p);
            }
        }
        return new ArrayList<>(paths);
    }

    static String owner(String path) {
        return OWNERS.entrySet().stream().filter(e -> prefixOf(e.getKey(), path))
                .max(Comparator.comparingInt(e -> e.getKey().length())).map(Map.Entry::getValue)
                .orElseThrow(() -> new AssertionError(path + " (API.md) has no owner in DESIGN.md's table: "
                        + "add it here"));
    }

    /** Kubernetes Prefix and Gateway API PathPrefix: whole path elements. */
    static boolean prefixOf(String prefix, String path) {
        return path.equals(prefix) || path.startsWith(prefix.endsWith("/") ? prefix : prefix + "/");
    }

    @Test
    void apiMdListsThePathsOfEveryFamily() {
        assertTrue(apiPaths.size() > 40, "only " + apiPaths.size() + " paths parsed from API.md: " + apiPaths);
        for (String prefix : OWNERS.keySet()) {
            assertTrue(apiPaths.stream().anyMatch(p -> prefixOf(prefix, p)), "API.md names no path under " + prefix);
        }
    }

    @Test
    void theIngressRoutesEveryApiPathToItsOwner() {
        List<Route> routes = new ArrayList<>();
        for (JsonNode ingress : Manifests.ofKind("prod", "Ingress")) {
            assertTrue(ingress.path("spec").path("tls").path(0).path("secretName").isTextual(), "TLS on every Ingress");
            for (JsonNode rule : ingress.path("spec").path("rules")) {
                for (JsonNode p : rule.path("http").path("paths")) {
                    assertEquals("Prefix", p.path("pathType").asText());
                    String service = p.path("backend").path("service").path("name").asText();
                    String limit = ingress.path("metadata").path("annotations")
                            .path("nginx.ingress.kubernetes.io/proxy-body-size").asText(null);
                    routes.add(new Route(p.path("path").asText(), service, limit));
                }
            }
        }
        assertEveryPathGoesToItsOwner("Ingress", routes, GatewayRoutesTest::prefixOf);
        assertBodyLimits("Ingress", routes);
    }

    @Test
    void theHttpRoutesRouteEveryApiPathToItsOwner() {
        List<Route> routes = new ArrayList<>();
        String gateway = Manifests.ofKind("prod-gateway-api", "Gateway").get(0).path("metadata").path("name").asText();
        for (JsonNode route : Manifests.ofKind("prod-gateway-api", "HTTPRoute")) {
            assertEquals(gateway, route.path("spec").path("parentRefs").path(0).path("name").asText());
            for (JsonNode rule : route.path("spec").path("rules")) {
                String backend = rule.path("backendRefs").path(0).path("name").asText();
                for (JsonNode match : rule.path("matches")) {
                    assertEquals("PathPrefix", match.path("path").path("type").asText());
                    routes.add(new Route(match.path("path").path("value").asText(), backend, null));
                }
            }
        }
        assertEveryPathGoesToItsOwner("HTTPRoute", routes, GatewayRoutesTest::prefixOf);
    }

    @Test
    void theLocalGatewayRoutesEveryApiPathToItsOwner() {
        String conf = Manifests.read(Manifests.ROOT.resolve("deploy/local/gateway.conf"));
        Map<String, String> byPort = new LinkedHashMap<>();
        for (String service : ManifestsTest.SERVICES) {
            String port = ManifestsTest.properties(service).getProperty("quarkus.http.port").replaceAll("\\D", "");
            byPort.put(port, service);
        }
        List<Route> routes = new ArrayList<>();
        Matcher location = Pattern.compile("location\\s+(/\\S*)\\s*\\{([^}]*)}").matcher(conf);
        while (location.find()) {
            Matcher pass = Pattern.compile("proxy_pass\\s+http://127\\.0\\.0\\.1:(\\d+)").matcher(location.group(2));
            Matcher size = Pattern.compile("client_max_body_size\\s+(\\S+);").matcher(location.group(2));
            if (pass.find()) {
                routes.add(new Route(location.group(1), byPort.get(pass.group(1)), size.find() ? size.group(1) : null));
            }
        }
        // nginx matches plain string prefixes, the longest first.
        assertEveryPathGoesToItsOwner("deploy/local/gateway.conf", routes, (prefix, path) -> path.startsWith(prefix));
        assertBodyLimits("deploy/local/gateway.conf", routes);
    }

    private void assertEveryPathGoesToItsOwner(String gateway, List<Route> routes, PrefixMatch matches) {
        List<String> wrong = new ArrayList<>();
        for (String path : apiPaths) {
            Optional<Route> chosen = routes.stream().filter(r -> matches.test(r.prefix(), path))
                    .max(Comparator.comparingInt(r -> r.prefix().length()));
            String expected = owner(path);
            if (chosen.isEmpty() || !chosen.get().service().equals(expected)) {
                wrong.add(path + " -> " + chosen.map(Route::service).orElse("nothing") + ", owner " + expected);
            }
        }
        assertEquals(List.of(), wrong, gateway + " routes " + routes);
    }

    /** The gateway's body limit for each service equals the service's own quarkus.http.limits.max-body-size. */
    private void assertBodyLimits(String gateway, List<Route> routes) {
        for (String service : SERVICES) {
            long own = bytes(ManifestsTest.properties(service).getProperty("quarkus.http.limits.max-body-size",
                    "10240K"));
            List<Route> ofService = routes.stream().filter(r -> r.service().equals(service)).toList();
            assertTrue(!ofService.isEmpty(), gateway + " has no route to " + service);
            for (Route route : ofService) {
                assertTrue(route.bodyLimit() != null, gateway + ": no body limit on " + route.prefix());
                assertEquals(own, bytes(route.bodyLimit()), gateway + ": body limit of " + route.prefix() + " ("
                        + route.bodyLimit() + ") is not " + service + "'s own");
            }
        }
    }

    /** Sizes as Quarkus (10240K, 320M) and nginx (10m, 320m) write them: binary units. */
    static long bytes(String size) {
        Matcher m = Pattern.compile("(\\d+)([kKmMgG]?)").matcher(size.trim());
        assertTrue(m.matches(), "size " + size);
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2).toLowerCase()) {
            case "k" -> n << 10;
            case "m" -> n << 20;
            case "g" -> n << 30;
            default -> n;
        };
    }

    @Test
    void sizesReadAsQuarkusAndNginxMeanThem() {
        assertEquals(bytes("10m"), bytes("10240K"));
        assertEquals(320L * 1024 * 1024, bytes("320M"));
        assertTrue(prefixOf("/api/v2", "/api/v2/segments") && !prefixOf("/api/v2", "/api/v2x"));
        assertEquals("notification-service", owner("/api/v2/notifications/{id}/recipients"));
        assertEquals(List.of("/api/v2/jobs/{jobId}", FYND_PREFIX + "/user_group"),
                apiPaths("| GET | `/api/v2/jobs/{jobId}` | and `…/user_group`, `/people` |"));
    }

    private record Route(String prefix, String service, String bodyLimit) {
    }

    @FunctionalInterface
    private interface PrefixMatch {
        boolean test(String prefix, String path);
    }
}
