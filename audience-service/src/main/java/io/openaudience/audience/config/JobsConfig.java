package io.openaudience.audience.config;

import io.openaudience.common.messaging.Topics;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Where the audience intake hands its jobs to import-worker (topics of the outbox rows it writes). */
@ConfigMapping(prefix = "audience.jobs")
public interface JobsConfig {

    /** Topic of "run this job" messages ({@code AudienceJobMessage}, keyed by job id). */
    @WithDefault(Topics.IMPORT_JOBS)
    String topic();

    /** Topic of "recount this group" messages ({@code RefreshTotalUsersMessage}, keyed by group id). */
    @WithDefault(Topics.REFRESH_TOTAL_USERS)
    String refreshTopic();
}
