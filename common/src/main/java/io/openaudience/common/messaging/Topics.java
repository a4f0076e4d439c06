package io.openaudience.common.messaging;

/**
 * Kafka topics and the channel names bound to them (channel ≠ topic: the topic is configuration, the
 * channel is code). Tests use the same constants.
 */
public final class Topics {

    public static final String IMPORT_JOBS = "import-jobs";
    public static final String REFRESH_TOTAL_USERS = "refresh-total-users";
    public static final String EMAIL_REQUESTS = "email-requests";
    /** Outbound: what happened, as CloudEvents, for consumers outside the platform ({@link AudienceEvent}). */
    public static final String AUDIENCE_EVENTS = "audience-events";

    public static final String IMPORT_JOBS_CHANNEL = "import-jobs-in";
    public static final String EMAIL_REQUESTS_CHANNEL = "email-requests-in";
    public static final String REFRESH_TOTAL_USERS_CHANNEL = "refresh-total-users-in";

    private Topics() {
    }
}
