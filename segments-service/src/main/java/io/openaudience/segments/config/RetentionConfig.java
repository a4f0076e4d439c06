package io.openaudience.segments.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** How long uploaded files are kept after their import job ended (UploadRetention). */
@ConfigMapping(prefix = "segments.retention")
public interface RetentionConfig {

    /** An upload (and its chunks) is deleted this long after its job ended; the job and its reports stay. */
    @WithDefault("7d")
    Duration uploadsAfter();

    /** Uploads deleted per statement (each up to max-file-size of chunks). */
    @WithDefault("10")
    int batchSize();

    /** How often the retention job runs (read by its @Scheduled expression). */
    @WithDefault("10m")
    String interval();
}
