package io.openaudience.worker.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterException;
import io.openaudience.audience.filter.FyndConditions;
import io.openaudience.common.audience.AttributeCipher;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.audience.InvalidAttributeValueException;
import io.openaudience.worker.config.WorkerConfig;
import io.openaudience.worker.fetch.UrlFetcher;
import io.openaudience.worker.parse.AudienceCsvSource;
import io.openaudience.worker.parse.PersonInput;
import io.openaudience.worker.parse.PersonRow;
import io.openaudience.worker.parse.RowSource;
import io.openaudience.worker.parse.UnreadableFileException;
import io.openaudience.worker.parse.UserDataSource;
import io.openaudience.worker.repository.AttributeDefinition;
import io.openaudience.worker.repository.AudienceBatchWriter;
import io.openaudience.worker.repository.BatchOrder;
import io.openaudience.worker.repository.AudienceBatchWriter.Members;
import io.openaudience.worker.repository.AudienceJobRepository;
import io.openaudience.worker.repository.ClaimedAudienceJob;
import io.openaudience.worker.repository.GroupDeletedException;
import io.openaudience.worker.repository.GroupEvaluationRepository;
import io.openaudience.worker.repository.LeaseLostException;
import jakarta.enterprise.context.ApplicationScoped;
import org.jboss.logging.Logger;

import javax.sql.DataSource;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static io.openaudience.worker.repository.ClaimedAudienceJob.ATTRIBUTE_BULK_UPDATE;
import static io.openaudience.worker.repository.ClaimedAudienceJob.GROUP_EVALUATE;
import static io.openaudience.worker.repository.ClaimedAudienceJob.GROUP_REFRESH;
import static io.openaudience.worker.repository.ClaimedAudienceJob.GROUP_UPDATE;

/**
 * Runs one claimed audience job to its end (CONTRACT §2): a group import or update streams its {@code file_url} (or
 * its {@code user_data}) through the person rules and writes it batch by batch from the checkpoint; an attribute bulk
 * update does the same without a group; a conditional group's evaluation (its {@code group_evaluate}, or a refresh)
 * selects its members with the filter engine and writes the difference; a bulk group's recount counts the members
 * once for every refresh job queued before it. The job (and its group) end completed, completed_with_errors or failed.
 */
@ApplicationScoped
public class AudienceJobRunner implements JobLifeCycle.Steps<ClaimedAudienceJob> {

    private static final Logger LOG = Logger.getLogger(AudienceJobRunner.class);
    private static final String CONDITIONAL = "conditional";
    private static final Pattern CONDITION = Pattern.compile("conditions\\[(\\d+)]");

    private final DataSource dataSource;
    private final AudienceJobRepository jobs;
    private final GroupEvaluationRepository evaluations;
    private final WorkerConfig config;
    private final JobLifeCycle lifeCycle;
    private final UrlFetcher fetcher;
    private final AttributeCipher cipher;
    private final ObjectMapper json;
    private final WorkerMetrics metrics;

    public AudienceJobRunner(DataSource dataSource, AudienceJobRepository jobs, GroupEvaluationRepository evaluations,
                             WorkerConfig config, JobLifeCycle lifeCycle, UrlFetcher fetcher, AttributeCipher cipher,
                             ObjectMapper json, WorkerMetrics metrics) {
        this.dataSource = dataSource;
        this.jobs = jobs;
        this.evaluations = evaluations;
        this.config = config;
        this.lifeCycle = lifeCycle;
        this.fetcher = fetcher;
        this.cipher = cipher;
        this.json = json;
        this.metrics = metrics;
    }

    /** Runs the job to its end. */
    public void run(ClaimedAudienceJob job) {
        run(job, Long.MAX_VALUE);
    }

    /**
     * Runs at most {@code maxBatches} batches of the job, then returns leaving it running as a worker that died at
     * that point would (used to prove the takeover); returns whether the job reached its end.
     */
    public boolean run(ClaimedAudienceJob job, long maxBatches) {
        return lifeCycle.run(AudienceJobRepository.TABLE, DeadLetters.AUDIENCE, "audience job", job, maxBatches, this);
    }

    @Override
    public boolean process(ClaimedAudienceJob job, long maxBatches) throws IOException, SQLException {
        if (GROUP_REFRESH.equals(job.type()) || GROUP_EVALUATE.equals(job.type())) {
            String groupType = jobs.groupType(job);
            if (groupType == null) {
                throw new GroupDeletedException(job.id());
            }
            if (CONDITIONAL.equals(groupType)) {
                evaluate(job);
            } else if (GROUP_REFRESH.equals(job.type())) {
                recount(job);
            } else {
                throw new UnusableConditionsException("group_evaluate needs a conditional group; this one is "
                        + groupType);
            }
            return true;
        }
        if (job.changesGroup() && !jobs.groupExists(job)) {
            throw new GroupDeletedException(job.id());
        }
        JsonNode params = params(job);
        boolean replace = GROUP_UPDATE.equals(job.type()) && "replace".equals(params.path("mode").asText());
        Members members = !job.changesGroup() ? Members.NONE : replace ? Members.REPLACE : Members.PATCH;
        List<AttributeDefinition> definitions = jobs.definitions(job.companyId(), job.applicationId());
        List<PersonRules.FixedValue> fixed = ATTRIBUTE_BULK_UPDATE.equals(job.type())
                ? fixedValues(job, params, definitions) : List.of();
        AudienceBatchWriter writer = new AudienceBatchWriter(job, members, config.lease());
        boolean finished;
        try (RowSource<PersonInput> source = open(job, params, definitions)) {
            List<AttributeDefinition> columns = source instanceof AudienceCsvSource csv
                    ? columns(csv.attributeColumns(), definitions) : List.of();
            PersonRules rules = new PersonRules(job.companyId(), job.applicationId(), columns, fixed,
                    GROUP_UPDATE.equals(job.type()), cipher);
            BatchPipeline.Writer<PersonRow> pipelined = new BatchPipeline.Writer<>() {
                @Override
                public long write(Connection c, long start, List<PersonRow> rows, BatchOrder order)
                        throws SQLException, IOException {
                    long written = writer.write(c, start, rows, order);
                    metrics.rows("audience", written, rows.stream().filter(r -> r.error() != null).count());
                    return written;
                }

                @Override
                public void submitted(long start, List<PersonRow> rows) {
                    writer.submitted(start, rows);
                }
            };
            try (BatchPipeline<PersonRow> pipeline = new BatchPipeline<>(dataSource, pipelined, job.id(),
                    job.processed(), config.writers(), config.lease())) {
                finished = BatchLoop.run(source, pipeline, job.processed(), maxBatches, config.batchSize(),
                        config.progressInterval(), rules::check);
            }
        }
        if (finished) {
            jobs.complete(job, replace);
        }
        return finished;
    }

    @Override
    public void fail(ClaimedAudienceJob job, String reason) throws SQLException {
        jobs.fail(job, reason);
    }

    /**
     * Evaluates a conditional group (its {@code group_evaluate}, or a refresh): its stored conditions parsed again
     * with the definitions of now, only the difference in members written, the job and the refresh jobs queued before
     * it completed.
     */
    private void evaluate(ClaimedAudienceJob job) throws SQLException {
        long t0 = System.nanoTime();
        GroupEvaluationRepository.Evaluation done;
        try {
            done = evaluations.evaluate(job, this::conditions);
        } catch (FilterException e) {
            throw new UnusableConditionsException("the group's conditions cannot be evaluated: " + e.path() + ": "
                    + e.reason());
        }
        LOG.infof("group %s evaluated by %s %s in %d ms: %d members (%d added, %d removed; %d refresh jobs served)",
                job.groupId(), job.type(), job.id(), (System.nanoTime() - t0) / 1_000_000, done.members(),
                done.added(), done.removed(), done.served().size());
    }

    /**
     * A group's stored conditions as the filter engine parses them; a condition naming a definition that is gone is
     * refused naming its path, its id and the slug it had ({@code key}, kept with the condition).
     */
    private Filter conditions(String stored, String type, FilterContext context) throws FilterException {
        JsonNode conditions;
        try {
            conditions = stored == null ? null : json.readTree(stored);
        } catch (IOException e) {
            throw new FilterException("conditions", "the stored conditions are not JSON");
        }
        try {
            return FyndConditions.parse(conditions, type == null ? null : TextNode.valueOf(type), context);
        } catch (FilterException e) {
            Matcher at = CONDITION.matcher(e.path());
            if (conditions != null && at.lookingAt() && e.reason().startsWith("unknown attribute definition")) {
                JsonNode key = conditions.path(Integer.parseInt(at.group(1))).get("key");
                if (key != null && key.isTextual()) {
                    throw new FilterException(e.path(), e.reason() + " (slug " + key.textValue()
                            + "): it was deleted after the group was defined");
                }
            }
            throw e;
        }
    }

    private void recount(ClaimedAudienceJob job) throws SQLException {
        AudienceJobRepository.Recount recount = jobs.refresh(job);
        if (!recount.groupFound()) {
            if (!jobs.groupExists(job)) {
                throw new GroupDeletedException(job.id());
            }
            throw new LeaseLostException(job.id());
        }
        LOG.debugf("group %s has %d members (%d refresh jobs completed by one count)", job.groupId(),
                recount.members(), recount.jobsCompleted());
    }

    private JsonNode params(ClaimedAudienceJob job) {
        try {
            JsonNode params = job.params() == null ? null : json.readTree(job.params());
            return params == null ? json.createObjectNode() : params;
        } catch (IOException e) {
            throw new UnreadableFileException("the job's params are not JSON");
        }
    }

    /** The file at the job's {@code file_url}, or its {@code user_data} entries. */
    private RowSource<PersonInput> open(ClaimedAudienceJob job, JsonNode params,
                                        List<AttributeDefinition> definitions) {
        if (job.fileUrl() != null && !job.fileUrl().isBlank()) {
            return new AudienceCsvSource(new BufferedInputStream(fetcher.open(job.fileUrl()), 1 << 16),
                    definitions.stream().map(AttributeDefinition::slug).toList(), config.csv().limits());
        }
        JsonNode userData = params.get("user_data");
        if (userData == null || !userData.isArray()) {
            throw new UnreadableFileException("the job has neither a file_url nor user_data");
        }
        return new UserDataSource(userData);
    }

    private static List<AttributeDefinition> columns(List<String> slugs, List<AttributeDefinition> definitions) {
        Map<String, AttributeDefinition> bySlug = definitions.stream()
                .collect(Collectors.toMap(AttributeDefinition::slug, Function.identity(), (a, b) -> a));
        return slugs.stream().map(bySlug::get).toList();
    }

    /**
     * The values of an attribute bulk update ({@code attributes: [{definition_id, value}]}, resolved and normalized
     * at intake), checked again against the definitions as they are now; the job fails if one no longer fits.
     */
    private List<PersonRules.FixedValue> fixedValues(ClaimedAudienceJob job, JsonNode params,
                                                     List<AttributeDefinition> definitions) {
        List<PersonRules.FixedValue> fixed = new ArrayList<>();
        JsonNode attributes = params.path("attributes");
        for (int i = 0; i < attributes.size(); i++) {
            JsonNode attribute = attributes.get(i);
            String id = attribute.path("definition_id").asText("");
            AttributeDefinition definition = definitions.stream().filter(d -> d.id().equals(id)).findFirst()
                    .orElse(null);
            if (definition == null) {
                throw new UnreadableFileException("the attribute definition " + id + " no longer exists");
            }
            try {
                fixed.add(new PersonRules.FixedValue(definition, AttributeRules.normalize(definition.type(),
                        definition.validations(), fixedValue(job, attribute, id))));
            } catch (InvalidAttributeValueException e) {
                throw new UnreadableFileException("attributes: the value of " + definition.slug() + " "
                        + (e.path() == null ? "" : e.path() + " ") + e.getMessage());
            }
        }
        return fixed;
    }

    /** The entry's value: in clear, or opened from {@code sealed_value} (an encrypted definition's, sealed at intake). */
    private JsonNode fixedValue(ClaimedAudienceJob job, JsonNode attribute, String definitionId) {
        JsonNode sealed = attribute.get("sealed_value");
        if (sealed == null) {
            return attribute.get("value");
        }
        try {
            return json.readTree(cipher.openText(sealed.asText(), job.companyId(), job.applicationId(),
                    definitionId));
        } catch (IllegalStateException | java.io.IOException e) {
            throw new UnreadableFileException("attributes: the sealed value of " + definitionId
                    + " does not open with the configured keys");
        }
    }
}
