package io.openaudience.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The strict parse rejects what a lenient one would pass: a misspelt field, a field of the wrong type, a new kind. */
class StrictModelTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static List<String> problems(String yaml) throws Exception {
        return StrictModel.problems(YAML.readTree(yaml));
    }

    @Test
    void aMisspeltKubernetesFieldFails() throws Exception {
        List<String> problems = problems("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: d}
                spec:
                  selector: {matchLabels: {a: b}}
                  template:
                    spec:
                      containers:
                        - name: c
                          securityContext: {readOnlyRootFileSystem: true}
                """);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("readOnlyRootFileSystem"), problems.toString());
    }

    @Test
    void aWellFormedKubernetesObjectPasses() throws Exception {
        assertEquals(List.of(), problems("""
                apiVersion: policy/v1
                kind: PodDisruptionBudget
                metadata: {name: p}
                spec: {maxUnavailable: 1, selector: {matchLabels: {a: b}}}
                """));
    }

    @Test
    void aMisspeltStrimziFieldFails() throws Exception {
        List<String> problems = problems("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partition: 3, replicas: 1}
                """);
        assertEquals(1, problems.size(), problems.toString());
        assertTrue(problems.get(0).contains("partition"), problems.toString());
    }

    @Test
    void aStrimziFieldOfTheWrongTypeFails() throws Exception {
        assertEquals(1, problems("""
                apiVersion: kafka.strimzi.io/v1beta2
                kind: KafkaTopic
                metadata: {name: t}
                spec: {partitions: many, replicas: 1}
                """).size());
    }

    @Test
    void cloudNativePgClustersAreCheckedFieldByField() throws Exception {
        List<String> problems = problems("""
                apiVersion: postgresql.cnpg.io/v1
                kind: Cluster
                metadata: {name: pg}
                spec:
                  instance: 3
                  storage: {size: 1Gi}
                  managed:
                    roles:
                      - {name: a, ensure: maybe, login: "yes"}
                """);
        assertEquals(4, problems.size(), problems.toString());
        assertTrue(problems.toString().contains(".spec.instance: unknown field"), problems.toString());
        assertTrue(problems.toString().contains(".spec.instances: required"), problems.toString());
        assertTrue(problems.toString().contains("ensure: expected enum"), problems.toString());
        assertTrue(problems.toString().contains("login: expected boolean"), problems.toString());
    }

    @Test
    void aKindWithoutAModelFails() throws Exception {
        assertEquals(1, problems("""
                apiVersion: monitoring.coreos.com/v1
                kind: ServiceMonitor
                metadata: {name: m}
                spec: {}
                """).size());
    }
}
