package io.openaudience.notification.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;

/** Delivery settings of notification-service. */
@ConfigMapping(prefix = "notification-service")
public interface NotificationConfig {

    /** Messages per second this instance sends at most; 0 turns the limit off. */
    @WithDefault("0")
    double rate();

    /** SMTP transactions in flight at once. */
    @WithDefault("16")
    int concurrency();

    /** Recipients claimed per round (shared fairly between the notifications being sent). */
    @WithDefault("500")
    int batchSize();

    /** How often the dispatcher looks for due recipients when it has nothing to do (the scheduler's minimum is 1s). */
    @WithDefault("1s")
    Duration pollInterval();

    /** A claimed recipient stays ours this long; after that a dead instance's claim is taken up again. */
    @WithDefault("2m")
    Duration lease();

    /** How often expired leases are taken back and finished notifications closed. */
    @WithDefault("2s")
    Duration sweepInterval();

    /** Attempts per recipient before a transient failure becomes final. */
    @WithDefault("8")
    int maxAttempts();

    /** First retry delay of a recipient after a transient failure; doubles on each attempt. */
    @WithDefault("5s")
    Duration retryBase();

    /** Longest retry delay of a recipient. */
    @WithDefault("10m")
    Duration retryMax();

    /** After a transient SMTP failure the dispatcher waits, doubling from retry-base up to this. */
    @WithDefault("30s")
    Duration smtpBackoffMax();

    /**
     * Longest one SMTP transaction may take (connecting included) before it counts as a transient failure; must be
     * shorter than half the lease, so a send started within a round's first half ends before its lease does.
     */
    @WithDefault("30s")
    Duration sendTimeout();

    /** Longest wait for an SMTP server to accept a connection. */
    @WithDefault("10s")
    Duration smtpConnectTimeout();

    /** Longest silence of an SMTP connection (no byte read or written) before it is closed and the send fails. */
    @WithDefault("30s")
    Duration smtpReadTimeout();

    /** Attempts to record an email-requests chunk the database rejects before it goes to the dead-letter table. */
    @WithDefault("5")
    int requestMaxAttempts();

    /** How long finished notifications (their subject, body and ledger rows) and dead letters are kept. */
    @WithDefault("90d")
    Duration retention();

    /** How often the retention job runs. */
    @WithDefault("1h")
    Duration retentionInterval();

    /** Rows the retention job deletes per statement, so no single delete holds long locks. */
    @WithDefault("5000")
    int retentionBatchSize();

    /** Recipients failed in a row after which a notification pauses instead of burning its list. */
    @WithDefault("25")
    int pauseAfter();

    /** Base URL of this service as recipients reach it (the unsubscribe link). */
    @WithDefault("http://127.0.0.1:8083")
    String publicUrl();

    /** HMAC key of the unsubscribe tokens. The default is for local use only: set it in every deployment. */
    @WithDefault("dev-only-unsubscribe-secret-change-me")
    String unsubscribeSecret();
}
