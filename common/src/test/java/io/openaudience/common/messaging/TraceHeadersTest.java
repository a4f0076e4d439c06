package io.openaudience.common.messaging;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The trace context as an outbox row stores it: captured from the current span, read back to the same span. */
class TraceHeadersTest {

    private static final SpanContext SPAN = SpanContext.create("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331",
            TraceFlags.getSampled(), TraceState.getDefault());

    @Test
    void currentContextRoundTripsThroughTheStoredJson() {
        String json;
        try (Scope ignored = Context.root().with(Span.wrap(SPAN)).makeCurrent()) {
            json = TraceHeaders.currentJson(Map.of("content-type", "application/cloudevents+json"));
        }
        Map<String, String> headers = TraceHeaders.parse(json);
        assertEquals("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", headers.get("traceparent"));
        assertEquals("application/cloudevents+json", headers.get("content-type"));
        SpanContext back = Span.fromContext(TraceHeaders.extract(Context.root(), headers)).getSpanContext();
        assertEquals(SPAN.getTraceId(), back.getTraceId());
        assertEquals(SPAN.getSpanId(), back.getSpanId());
        assertTrue(back.isRemote());
    }

    @Test
    void noSpanNoHeadersAndUnreadableJsonIsIgnored() {
        assertNull(TraceHeaders.currentJson());
        assertEquals(Map.of(), TraceHeaders.parse(null));
        assertEquals(Map.of(), TraceHeaders.parse("{not json"));
    }
}
