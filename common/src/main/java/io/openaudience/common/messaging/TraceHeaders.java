package io.openaudience.common.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.opentelemetry.api.baggage.propagation.W3CBaggagePropagator;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The trace context a message carries from the transaction that wrote its outbox row to the Kafka record the relay
 * publishes (W3C {@code traceparent}, {@code tracestate} and {@code baggage}, the record headers the consumers'
 * OpenTelemetry instrumentation reads). Stored with the row as a JSON object of strings, null when no trace was
 * current, so a message written outside any request or job simply starts a new trace.
 */
public final class TraceHeaders {

    private static final TextMapPropagator PROPAGATOR = TextMapPropagator.composite(
            W3CTraceContextPropagator.getInstance(), W3CBaggagePropagator.getInstance());
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<LinkedHashMap<String, String>> MAP = new TypeReference<>() {
    };
    private static final TextMapGetter<Map<String, String>> GETTER = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Map<String, String> carrier) {
            return carrier.keySet();
        }

        @Override
        public String get(Map<String, String> carrier, String key) {
            return carrier == null ? null : carrier.get(key);
        }
    };

    private TraceHeaders() {
    }

    /** The headers of {@code context}; empty when it holds no valid span. */
    public static Map<String, String> of(Context context) {
        Map<String, String> headers = new LinkedHashMap<>();
        PROPAGATOR.inject(context, headers, (carrier, key, value) -> carrier.put(key, value));
        return headers;
    }

    /** The current trace context as the JSON an outbox row stores, or null when no span is current. */
    public static String currentJson() {
        return currentJson(Map.of());
    }

    /** The current trace context and {@code other} headers of the record as JSON; null when there are none. */
    public static String currentJson(Map<String, String> other) {
        Map<String, String> headers = new LinkedHashMap<>(other);
        headers.putAll(of(Context.current()));
        if (headers.isEmpty()) {
            return null;
        }
        try {
            return JSON.writeValueAsString(headers);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize trace headers", e);
        }
    }

    /** The headers an outbox row stored; empty for null or unreadable JSON (tracing never fails a publish). */
    public static Map<String, String> parse(String json) {
        if (json == null || json.isBlank()) {
            return Map.of();
        }
        try {
            Map<String, String> headers = JSON.readValue(json, MAP);
            return headers == null ? Map.of() : headers;
        } catch (JsonProcessingException e) {
            return Map.of();
        }
    }

    /** The context these headers carry, on top of {@code parent}'s (the root context when they carry none). */
    public static Context extract(Context parent, Map<String, String> headers) {
        return PROPAGATOR.extract(parent, headers, GETTER);
    }
}
