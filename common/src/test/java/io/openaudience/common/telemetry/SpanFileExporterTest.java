package io.openaudience.common.telemetry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Spans as JSON lines in a file, parent ids included, and nothing at all when no target is set. */
class SpanFileExporterTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesOneJsonLinePerSpanWithItsParent(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spans.jsonl");
        List<String> lines = run(new SpanFileExporter(Optional.of(file.toString())), file);
        assertEquals(2, lines.size());
        JsonNode child = JSON.readTree(lines.get(0));
        JsonNode parent = JSON.readTree(lines.get(1));
        assertEquals("child", child.path("name").asText());
        assertEquals("CONSUMER", child.path("kind").asText());
        assertEquals(parent.path("traceId").asText(), child.path("traceId").asText());
        assertEquals(parent.path("spanId").asText(), child.path("parentSpanId").asText());
        assertTrue(parent.path("parentSpanId").isNull());
        assertEquals("import-jobs", child.path("attributes").path("messaging.destination.name").asText());
    }

    @Test
    void withoutTargetWritesNothing(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("spans.jsonl");
        assertEquals(List.of(), run(new SpanFileExporter(Optional.of("  ")), file));
    }

    private static List<String> run(SpanFileExporter exporter, Path file) throws Exception {
        try (SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter)).build()) {
            Tracer tracer = provider.get("test");
            Span parent = tracer.spanBuilder("parent").startSpan();
            try (Scope ignored = parent.makeCurrent()) {
                tracer.spanBuilder("child").setSpanKind(SpanKind.CONSUMER)
                        .setAttribute("messaging.destination.name", "import-jobs").startSpan().end();
            }
            parent.end();
        }
        return Files.exists(file) ? Files.readAllLines(file) : List.of();
    }
}
