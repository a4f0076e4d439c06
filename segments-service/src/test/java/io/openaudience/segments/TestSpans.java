package io.openaudience.segments;

import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The spans the service under test finished, kept in memory (a CDI span exporter beside the configured ones); find
 * them with test-support's {@link io.openaudience.testsupport.Spans}.
 */
public class TestSpans {

    @Produces
    @Singleton
    InMemorySpanExporter exporter() {
        return InMemorySpanExporter.create();
    }
}
