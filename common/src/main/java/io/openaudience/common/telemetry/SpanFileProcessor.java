package io.openaudience.common.telemetry;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.quarkus.arc.Unremovable;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.Optional;

/**
 * Runs {@link SpanFileExporter} when {@code openaudience.traces.file} (env {@code TRACES_FILE}) is set, as a span
 * processor: Quarkus adds every CDI span processor to the tracer beside its own OTLP export, whereas a span exporter
 * bean would take the OTLP exporter's place. Unset, it does nothing.
 */
// Nothing injects it (the SDK looks span processors up programmatically), so it must be kept from bean removal; a
// singleton, not a client proxy, so it is created at that lookup on the main thread, where its setting is available.
@Singleton
@Unremovable
public class SpanFileProcessor implements SpanProcessor {

    private final SpanProcessor delegate;

    public SpanFileProcessor(@ConfigProperty(name = "openaudience.traces.file") Optional<String> target) {
        boolean enabled = target.map(String::trim).filter(t -> !t.isEmpty()).isPresent();
        this.delegate = enabled ? BatchSpanProcessor.builder(new SpanFileExporter(target)).build()
                : SpanProcessor.composite();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
        delegate.onStart(parentContext, span);
    }

    @Override
    public boolean isStartRequired() {
        return delegate.isStartRequired();
    }

    @Override
    public void onEnd(ReadableSpan span) {
        delegate.onEnd(span);
    }

    @Override
    public boolean isEndRequired() {
        return delegate.isEndRequired();
    }

    @Override
    public CompletableResultCode shutdown() {
        return delegate.shutdown();
    }

    @Override
    public CompletableResultCode forceFlush() {
        return delegate.forceFlush();
    }
}
