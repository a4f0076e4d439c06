package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.Job;
import io.openaudience.audience.JobType;
import io.openaudience.audience.config.JobsConfig;
import io.openaudience.audience.messaging.AudienceOutbox;
import io.openaudience.audience.repository.JobRepository;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.messaging.AudienceJobMessage;
import io.openaudience.common.security.Tenant;
import io.openaudience.outbox.OutboxRelay;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.function.Supplier;

/**
 * Queues audience jobs for import-worker: the {@code queued} job row and its {@code import-jobs} outbox row are
 * written in the caller's transaction, and {@link #committed} runs such a transaction and kicks the outbox relay
 * once it committed, so the message leaves at once instead of at the relay's next tick.
 */
@ApplicationScoped
public class JobIntake {

    private static final int MAX_ACTOR_LENGTH = 255;

    private final JobRepository jobs;
    private final AudienceOutbox outbox;
    private final OutboxRelay relay;
    private final JobsConfig config;

    public JobIntake(JobRepository jobs, AudienceOutbox outbox, OutboxRelay relay, JobsConfig config) {
        this.jobs = jobs;
        this.outbox = outbox;
        this.relay = relay;
        this.config = config;
    }

    /** Runs {@code work} in one transaction, then (only if it committed) kicks the relay. */
    public <T> Uni<T> committed(Supplier<Uni<T>> work) {
        return Panache.withTransaction(work).invoke(relay::kick);
    }

    /** A new job id (callers that must name the job before it is written, e.g. as a group's last job). */
    public static String newJobId() {
        return ObjectIds.next();
    }

    /** Writes a queued job and its message; must run inside {@link #committed}. */
    public Uni<Job> enqueue(Tenant tenant, String actor, String jobId, JobType type, String groupId, String fileUrl,
                            ObjectNode params) {
        Job job = new Job();
        job.id = jobId;
        job.companyId = tenant.companyId();
        job.applicationId = tenant.applicationId();
        job.type = type.wire();
        job.groupId = groupId;
        job.fileUrl = fileUrl;
        job.params = params.toString();
        job.createdBy = actor(actor);
        job.status = "queued";
        job.createdAt = now();
        job.updatedAt = job.createdAt;
        return jobs.persist(job)
                .call(() -> outbox.append(config.topic(), job.id,
                        AudienceJobMessage.of(job.id, tenant.companyId(), tenant.applicationId())))
                .replaceWith(job);
    }

    /** Timestamps as PostgreSQL keeps them (microseconds), so what a write answers equals what a read shows. */
    public static OffsetDateTime now() {
        return OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
    }

    /** Who asked, as the job's {@code created_by} column holds it. */
    public static String actor(String subject) {
        if (subject == null) {
            return "";
        }
        return subject.length() <= MAX_ACTOR_LENGTH ? subject : subject.substring(0, MAX_ACTOR_LENGTH);
    }
}
