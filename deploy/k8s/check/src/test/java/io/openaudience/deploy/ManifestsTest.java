package io.openaudience.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every overlay renders, every object parses strictly, and the platform's rules hold in each overlay. */
class ManifestsTest {

    static final List<String> SERVICES = List.of("segments-service", "audience-service", "notification-service",
            "import-worker");

    static List<String> overlays() {
        return Manifests.overlays();
    }

    @Test
    void theOverlaysAreThere() {
        assertTrue(overlays().containsAll(List.of("dev", "prod")), "overlays: " + overlays());
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyObjectParsesStrictlyAgainstItsModel(String overlay) {
        List<JsonNode> objects = Manifests.render(overlay);
        assertTrue(objects.size() > 30, overlay + " rendered only " + objects.size() + " objects");
        List<String> problems = objects.stream().flatMap(o -> StrictModel.problems(o).stream()).toList();
        assertEquals(List.of(), problems, overlay);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void everyServiceIsHardenedProbedSizedScaledAndBudgeted(String overlay) {
        for (String service : SERVICES) {
            JsonNode pod = Manifests.named(overlay, "Deployment", service).path("spec").path("template").path("spec");
            assertFalse(pod.path("automountServiceAccountToken").asBoolean(true), service);
            assertEquals(service, pod.path("serviceAccountName").asText(), service);
            assertFalse(Manifests.named(overlay, "ServiceAccount", service).path("automountServiceAccountToken")
                    .asBoolean(true), service);
            assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean(), service);
            JsonNode container = pod.path("containers").get(0);
            JsonNode security = container.path("securityContext");
            assertTrue(security.path("readOnlyRootFilesystem").asBoolean(), service);
            assertFalse(security.path("allowPrivilegeEscalation").asBoolean(true), service);
            assertEquals("[\"ALL\"]", security.path("capabilities").path("drop").toString(), service);
            assertEquals("RuntimeDefault", security.path("seccompProfile").path("type").asText(), service);
            for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                assertTrue(container.path(probe).path("httpGet").path("path").asText().startsWith("/q/health/"),
                        service + " " + probe);
            }
            JsonNode resources = container.path("resources");
            for (String field : List.of("requests/cpu", "requests/memory", "limits/memory")) {
                assertFalse(resources.at("/" + field).asText().isEmpty(), service + " resources " + field);
            }
            // /tmp is the only writable place (uploads, the JVM's and Vert.x's temp files): an emptyDir.
            String tmpVolume = StreamSupport.stream(container.path("volumeMounts").spliterator(), false)
                    .filter(m -> m.path("mountPath").asText().equals("/tmp")).map(m -> m.path("name").asText())
                    .findFirst().orElseThrow(() -> new AssertionError(service + ": no /tmp mount"));
            assertTrue(StreamSupport.stream(pod.path("volumes").spliterator(), false)
                    .anyMatch(v -> v.path("name").asText().equals(tmpVolume) && v.has("emptyDir")), service);

            JsonNode hpa = Manifests.named(overlay, "HorizontalPodAutoscaler", service).path("spec");
            assertEquals(service, hpa.path("scaleTargetRef").path("name").asText());
            int min = hpa.path("minReplicas").asInt();
            assertTrue(min >= 1 && hpa.path("maxReplicas").asInt() >= min, service + " HPA " + hpa);
            JsonNode pdb = Manifests.named(overlay, "PodDisruptionBudget", service).path("spec");
            assertEquals(service, pdb.path("selector").path("matchLabels").path("app.kubernetes.io/name").asText());
            JsonNode selector = Manifests.named(overlay, "Service", service).path("spec").path("selector");
            JsonNode labels = Manifests.named(overlay, "Deployment", service).path("spec").path("template")
                    .path("metadata").path("labels");
            selector.fields().forEachRemaining(e -> assertEquals(e.getValue(), labels.get(e.getKey()), service));
        }
    }

    /** The worker's replicas share the partitions of import-jobs: more replicas than partitions would idle. */
    @ParameterizedTest
    @MethodSource("overlays")
    void theWorkerScalesWithTheImportJobsPartitions(String overlay) {
        int partitions = Manifests.named(overlay, "KafkaTopic", "import-jobs").path("spec").path("partitions").asInt();
        int max = Manifests.named(overlay, "HorizontalPodAutoscaler", "import-worker").path("spec").path("maxReplicas")
                .asInt();
        assertTrue(max <= partitions, "import-worker maxReplicas " + max + " > import-jobs partitions " + partitions);
    }

    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaTopicsFitTheNodePool(String overlay) {
        int brokers = Manifests.ofKind(overlay, "KafkaNodePool").stream()
                .filter(p -> p.path("spec").path("roles").toString().contains("broker"))
                .mapToInt(p -> p.path("spec").path("replicas").asInt()).sum();
        for (JsonNode topic : Manifests.ofKind(overlay, "KafkaTopic")) {
            int replicas = topic.path("spec").path("replicas").asInt();
            int minIsr = topic.path("spec").path("config").path("min.insync.replicas").asInt(1);
            String name = topic.path("metadata").path("name").asText();
            assertTrue(replicas <= brokers,
                    overlay + " " + name + ": " + replicas + " replicas on " + brokers + " brokers");
            assertTrue(minIsr < replicas || replicas == 1, overlay + " " + name + ": min.insync.replicas " + minIsr
                    + " leaves no broker to lose");
        }
    }

    /**
     * No secret value in deploy/: no Secret is rendered, no environment variable carries a literal secret, and every
     * Secret a pod reads is one deploy/README.md says how to create, a KafkaUser's, or a role's of the CNPG Cluster.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void secretsAreReferencedNeverCommitted(String overlay) {
        assertEquals(List.of(), Manifests.ofKind(overlay, "Secret"));
        String readme = Manifests.read(Manifests.ROOT.resolve("deploy/README.md"));
        Set<String> kafkaUsers = names(overlay, "KafkaUser");
        Set<String> roleSecrets = new HashSet<>();
        Manifests.named(overlay, "Cluster", "audience-pg").path("spec").path("managed").path("roles")
                .forEach(role -> roleSecrets.add(role.path("passwordSecret").path("name").asText()));
        for (JsonNode object : Manifests.render(overlay)) {
            for (JsonNode env : object.findValues("env")) {
                for (JsonNode var : env) {
                    String name = var.path("name").asText();
                    if (var.has("value")) {
                        assertFalse(name.matches(".*(PASSWORD|SECRET|JAAS|KEYS).*"), name + " has a literal value");
                    }
                    JsonNode ref = var.path("valueFrom").path("secretKeyRef");
                    if (!ref.isMissingNode()) {
                        String secret = ref.path("name").asText();
                        String key = ref.path("key").asText();
                        boolean known = kafkaUsers.contains(secret) && key.equals("sasl.jaas.config")
                                || roleSecrets.contains(secret) && Set.of("username", "password").contains(key)
                                || secret.equals("platform-secrets") && readme.contains(key + "=");
                        assertTrue(known, overlay + ": " + name + " reads " + secret + "/" + key
                                + ", which no KafkaUser, CNPG role or deploy/README.md \"Secrets\" provides");
                        assertTrue(readme.contains(secret) || kafkaUsers.contains(secret),
                                "deploy/README.md does not say how to create Secret " + secret);
                    }
                }
            }
        }
    }

    /**
     * Each service's KafkaUser may read exactly the topics its consumers read (with their group), and may write only
     * topics that exist; nobody but the example reader reads audience-events.
     */
    @ParameterizedTest
    @MethodSource("overlays")
    void kafkaAclsFollowTheServicesConsumers(String overlay) {
        Set<String> topics = names(overlay, "KafkaTopic");
        for (String service : SERVICES) {
            Properties config = properties(service);
            Set<String> consumed = new TreeSet<>();
            Set<String> groups = new TreeSet<>();
            config.stringPropertyNames().stream().filter(k -> k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.topic"))
                    .forEach(k -> consumed.add(config.getProperty(k)));
            config.stringPropertyNames().stream()
                    .filter(k -> k.matches("mp\\.messaging\\.incoming\\.[^.]+\\.group\\.id"))
                    .forEach(k -> groups.add(config.getProperty(k)));
            JsonNode acls = Manifests.named(overlay, "KafkaUser", service).path("spec").path("authorization")
                    .path("acls");
            Set<String> readTopics = new TreeSet<>();
            Set<String> readGroups = new TreeSet<>();
            for (JsonNode acl : acls) {
                String type = acl.path("resource").path("type").asText();
                String name = acl.path("resource").path("name").asText();
                Set<String> ops = new HashSet<>();
                acl.path("operations").forEach(op -> ops.add(op.asText()));
                assertTrue(Set.of("Read", "Write", "Describe").containsAll(ops), service + ": " + ops);
                if (type.equals("topic")) {
                    assertTrue(topics.contains(name), service + " has an ACL on " + name + ", which is no KafkaTopic");
                    if (ops.contains("Read")) {
                        readTopics.add(name);
                    }
                } else if (type.equals("group")) {
                    readGroups.add(name);
                }
            }
            assertEquals(consumed, readTopics, service + " reads exactly what its consumers read");
            assertEquals(groups, readGroups, service + " joins exactly its consumers' groups");
            assertFalse(readTopics.contains("audience-events"), service);
        }
    }

    static Set<String> names(String overlay, String kind) {
        return Manifests.ofKind(overlay, kind).stream().map(o -> o.path("metadata").path("name").asText())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    /** A service's application.properties (the default profile; %profile keys are left out). */
    static Properties properties(String service) {
        Properties properties = new Properties();
        try (var in = java.nio.file.Files.newBufferedReader(
                Manifests.ROOT.resolve(service).resolve("src/main/resources/application.properties"))) {
            properties.load(in);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return properties;
    }
}
