package io.openaudience.segments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the synchronous segments API (pagination, bulk create). */
@ConfigMapping(prefix = "segments.api")
public interface SegmentsApiConfig {

    /** Page size of the with-users endpoints when the client sends none. */
    @WithDefault("50")
    int defaultPageSize();

    /** Largest page size a client may ask for. */
    @WithDefault("500")
    int maxPageSize();

    /** Most rows a synchronous bulk create accepts; more must go through the import endpoints. */
    @WithDefault("1000")
    int maxBulkRows();
}
