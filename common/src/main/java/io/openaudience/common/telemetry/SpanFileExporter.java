package io.openaudience.common.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A span exporter for running without a collector (the local stack): with {@code openaudience.traces.file} set
 * (env {@code TRACES_FILE}) every finished span is one JSON line appended to that file, or logged at INFO by the
 * category {@code io.openaudience.traces} when the value is {@code console}; unset, it does nothing. Not a CDI bean:
 * a span exporter bean would replace Quarkus' OTLP exporter (a default bean); {@link SpanFileProcessor} runs it beside.
 */
public class SpanFileExporter implements SpanExporter {

    private static final Logger CONSOLE = Logger.getLogger("io.openaudience.traces");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Optional<String> target;

    public SpanFileExporter(Optional<String> target) {
        this.target = target.map(String::trim).filter(t -> !t.isEmpty());
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        if (target.isEmpty()) {
            return CompletableResultCode.ofSuccess();
        }
        List<String> lines = new ArrayList<>(spans.size());
        for (SpanData span : spans) {
            lines.add(line(span));
        }
        try {
            if ("console".equals(target.get())) {
                lines.forEach(CONSOLE::info);
            } else {
                Files.write(Path.of(target.get()), lines, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
            }
            return CompletableResultCode.ofSuccess();
        } catch (IOException | UncheckedIOException e) {
            CONSOLE.debugf("spans not written to %s: %s", target.get(), e.toString());
            return CompletableResultCode.ofFailure();
        }
    }

    /** One span as a JSON object: ids, name, kind, service, times, status and attributes. */
    static String line(SpanData span) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("traceId", span.getTraceId());
        out.put("spanId", span.getSpanId());
        out.put("parentSpanId", span.getParentSpanContext().isValid() ? span.getParentSpanId() : null);
        out.put("name", span.getName());
        out.put("kind", span.getKind().name());
        out.put("service", span.getResource().getAttributes().asMap().entrySet().stream()
                .filter(e -> e.getKey().getKey().equals("service.name")).map(e -> String.valueOf(e.getValue()))
                .findFirst().orElse(null));
        out.put("startEpochNanos", span.getStartEpochNanos());
        out.put("durationMicros", (span.getEndEpochNanos() - span.getStartEpochNanos()) / 1000);
        out.put("status", span.getStatus().getStatusCode().name());
        Map<String, Object> attributes = new LinkedHashMap<>();
        span.getAttributes().forEach((key, value) -> attributes.put(key.getKey(), value));
        out.put("attributes", attributes);
        try {
            return JSON.writeValueAsString(out);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize span " + span.getSpanId(), e);
        }
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
