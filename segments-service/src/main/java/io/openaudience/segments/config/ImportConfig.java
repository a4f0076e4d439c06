package io.openaudience.segments.config;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Business settings of the bulk import intake (`POST …/create-users`). */
@ConfigMapping(prefix = "segments.import")
public interface ImportConfig {

    /** Largest accepted upload; larger files are refused with 413 (keep quarkus.http.limits.max-body-size above). */
    @WithDefault("256M")
    MemorySize maxFileSize();

    /** Size of one stored upload chunk (one upload_chunk row); also the most the intake holds in memory at once. */
    @WithDefault("1M")
    MemorySize chunkSize();

    /** How much of the file's beginning the intake inspects (format, header row) before accepting it. */
    @WithDefault("64K")
    MemorySize inspectWindow();

    /** Topic the job message goes to (through the outbox). */
    @WithDefault("import-jobs")
    String topic();
}
