package io.openaudience.worker.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Business settings of the import worker. */
@ConfigMapping(prefix = "import-worker")
public interface WorkerConfig {

    /** Rows written per database transaction (one COPY + a few set-based statements + the checkpoint). */
    @WithDefault("50000")
    int batchSize();

    /**
     * Connections a job writes its batches on at once (in file order, commits in order): 2 lets PostgreSQL insert
     * the next batch's members while the previous batch finishes; 1 writes one batch after the other.
     */
    @WithDefault("2")
    int writers();

    /** A batch is committed early when collecting it takes longer than this, so progress moves every few seconds. */
    @WithDefault("2s")
    Duration progressInterval();

    /**
     * How long a claimed job stays ours without a heartbeat; after that another worker may take it over. Also the
     * longest a batch may take (or wait for the batch before it): one that has not ended by then is taken for stuck on
     * a dead connection, stopped, and the job retried from its checkpoint.
     */
    @WithDefault("30s")
    Duration lease();

    /** How often the leases of the jobs this instance is running are extended. */
    @WithDefault("10s")
    Duration heartbeat();

    /** How often the sweeper looks for jobs whose lease expired (dead worker) or that are still queued. */
    @WithDefault("5s")
    Duration sweepInterval();

    /** A queued job is left to its Kafka message this long before the sweeper takes it itself. */
    @WithDefault("10s")
    Duration queuedGrace();

    /** Jobs this instance runs at the same time (Kafka-delivered and swept together). */
    @WithDefault("2")
    int concurrency();

    /** Running jobs one subscription may hold at once across workers, so one tenant never takes every slot. */
    @WithDefault("1")
    int maxRunningPerTenant();

    /** Claims of a job after which a job that keeps failing for unexpected reasons is marked failed. */
    @WithDefault("5")
    int maxAttempts();

    /** Rows of a job whose results are kept for the job resource (inviteResults). */
    @WithDefault("1000")
    int resultRows();

    /** How audience jobs fetch their {@code file_url}. */
    Fetch fetch();

    /** Limits of one CSV record: a row beyond one is rejected (its raw values cut), the job goes on. */
    Csv csv();

    /** Limits of one CSV record, so that one huge field or row cannot take the worker's memory. */
    interface Csv {

        /** Longest field, in characters. */
        @WithDefault("100000")
        int maxFieldLength();

        /** Longest record (row), in characters. */
        @WithDefault("1000000")
        int maxRowLength();

        /** Most columns in a record. */
        @WithDefault("1000")
        int maxColumns();

        default io.openaudience.common.text.CsvLimits limits() {
            return new io.openaudience.common.text.CsvLimits(maxFieldLength(), maxRowLength(), maxColumns());
        }
    }

    /** Limits of fetching a job's file from its {@code file_url}. */
    interface Fetch {

        /**
         * Hosts (names or literal addresses) that may be fetched although they are, or resolve to, a private,
         * loopback, link-local or otherwise internal address; comma-separated. Empty in production.
         */
        Optional<List<String>> allowedHosts();

        /** Largest file fetched; a longer one fails the job. */
        @WithDefault("536870912")
        long maxBytes();

        /** How long connecting to the file's server may take. */
        @WithDefault("10s")
        Duration connectTimeout();

        /** How long the whole download may take (it is read as fast as the rows are written). */
        @WithDefault("30m")
        Duration timeout();

        /** Redirects followed, each to a host checked like the first. */
        @WithDefault("3")
        int maxRedirects();
    }
}
