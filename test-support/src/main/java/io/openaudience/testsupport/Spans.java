package io.openaudience.testsupport;

import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;

import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Finding the spans a service under test finished, in the {@link InMemorySpanExporter} each module's tests produce as
 * a CDI bean (their {@code TestSpans}).
 */
public final class Spans {

    private Spans() {
    }

    /** The first finished span that matches, waiting at most {@code timeout} for the batch processor to export it. */
    public static SpanData await(InMemorySpanExporter spans, Duration timeout, String what, Predicate<SpanData> match)
            throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            Optional<SpanData> found = spans.getFinishedSpanItems().stream().filter(match).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no span: " + what + "; finished: " + describe(spans.getFinishedSpanItems()));
    }

    /** Matches spans of one trace, of one kind, whose name contains the text. */
    public static Predicate<SpanData> in(String traceId, SpanKind kind, String name) {
        return s -> s.getTraceId().equals(traceId) && s.getKind() == kind && s.getName().contains(name);
    }

    /** A random, valid W3C trace id ({@code bytes} 16) or span id ({@code bytes} 8) in lower-case hex. */
    public static String randomId(int bytes) {
        byte[] b = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(b);
        b[0] |= 1;
        return HexFormat.of().formatHex(b);
    }

    private static List<String> describe(List<SpanData> spans) {
        return spans.stream().map(s -> s.getKind() + " " + s.getName() + " " + s.getTraceId() + "/" + s.getSpanId()
                + "<-" + s.getParentSpanId()).toList();
    }
}
