package io.openaudience.audience.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.openaudience.audience.GroupRequests.GroupPatch;
import io.openaudience.audience.GroupRequests.GroupReplace;
import io.openaudience.audience.GroupRequests.NewGroup;
import io.openaudience.audience.Job;
import io.openaudience.audience.JobType;
import io.openaudience.audience.UserGroup;
import io.openaudience.audience.config.GroupsConfig;
import io.openaudience.audience.config.JobsConfig;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.messaging.AudienceOutbox;
import io.openaudience.audience.repository.DefinitionRuleRepository;
import io.openaudience.audience.repository.JobRepository;
import io.openaudience.audience.repository.UserGroupRepository;
import io.openaudience.audience.repository.UserGroupRepository.Filter;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.messaging.RefreshTotalUsersMessage;
import io.openaudience.common.security.Tenant;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * User group rules (rows 11–18, 20, 22): field checks, name uniqueness, one member-writing job per group at a time,
 * and the jobs that fill groups, each queued in the same transaction as the group change that asks for it.
 */
@ApplicationScoped
public class UserGroupService {

    static final String NAME_UNIQUE = "user_group_name_uq";
    static final String ONE_WRITER = "job_one_active_group_write_uq";
    /** A refresh that found the queued job gone (it started) tries again this many times. */
    private static final int REFRESH_ATTEMPTS = 3;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> STATUSES = Set.of("pending", "in_progress", "completed", "failed");
    private static final Set<String> TYPES = Set.of(UserGroup.BULK, UserGroup.CONDITIONAL);

    private final UserGroupRepository groups;
    private final JobRepository jobs;
    private final JobIntake intake;
    private final AudienceOutbox outbox;
    private final GroupsConfig config;
    private final JobsConfig jobsConfig;
    private final DefinitionRuleRepository definitions;

    public UserGroupService(UserGroupRepository groups, JobRepository jobs, JobIntake intake, AudienceOutbox outbox,
                            GroupsConfig config, JobsConfig jobsConfig, DefinitionRuleRepository definitions) {
        this.groups = groups;
        this.definitions = definitions;
        this.jobs = jobs;
        this.intake = intake;
        this.outbox = outbox;
        this.config = config;
        this.jobsConfig = jobsConfig;
    }

    /** The query of the group list as the client sent it (all text; checked here). */
    public record ListQuery(String status, String type, String name, String groupUid, List<String> tags,
                            String category, String pageNo, String pageSize) {
    }

    /** A page of groups, which page it is and how many groups the filter matches. */
    public record GroupPage(List<UserGroup> groups, int pageNo, int pageSize, long total) {
    }

    /** An accepted refresh: the group's uid and the (possibly shared) queued refresh job. */
    public record RefreshAccepted(long uid, String jobId) {
    }

    /** A group category: its key, display name and description. */
    public record Category(String key, String name, String description) {
    }

    /** The built-in category of every group a request does not categorise. */
    public static final Category CUSTOM = new Category(GroupRules.DEFAULT_CATEGORY, "Custom",
            "Groups the application made; the default category");

    /** Row 14: newest first; {@code name} matches anywhere, case-insensitively; {@code tags} keeps any of them. */
    @WithSession
    public Uni<GroupPage> list(Tenant tenant, ListQuery query) {
        int pageNo = QueryValues.atLeast(query.pageNo(), "page_no", 1, 1);
        int pageSize = QueryValues.integer(query.pageSize(), "page_size", 10, 1, 100);
        Filter filter = new Filter(oneOf(query.status(), "status", STATUSES), oneOf(query.type(), "type", TYPES),
                text(query.name()), QueryValues.positiveLong(query.groupUid(), "group_uid"), tags(query.tags()),
                text(query.category()));
        return groups.page(tenant, filter, pageNo, pageSize).chain(page -> groups.count(tenant, filter)
                .map(total -> new GroupPage(page, pageNo, pageSize, total)));
    }

    @WithSession
    public Uni<UserGroup> get(Tenant tenant, String ref) {
        return groups.findByRef(tenant, ref).onItem().ifNull().failWith(UserGroupService::notFound);
    }

    /**
     * Row 15: the group, {@code pending}, with the job that fills it and its message, in one transaction: a bulk
     * group's {@code group_import} of its {@code file_url}, a conditional group's {@code group_evaluate} of its
     * {@code conditions} (checked here against the application's attribute definitions).
     */
    public Uni<UserGroup> create(Tenant tenant, String actor, NewGroup request) {
        if (request == null) {
            throw ApiException.badRequest("body", "a JSON body {name, description, file_url} or {name, description, "
                    + "type: conditional, conditions} is required");
        }
        boolean conditional = request.type() != null && request.type().strip().equals(UserGroup.CONDITIONAL);
        return definitionsIf(tenant, conditional).chain(definitions -> {
            List<FieldError> errors = GroupRules.problems();
            GroupRules.type(request.type(), errors);
            String name = GroupRules.name(request.name(), errors);
            String description = GroupRules.description(request.description(), true, errors);
            String category = GroupRules.category(request.category(), errors);
            String[] tags = GroupRules.tags(request.tags(), errors);
            String fileUrl = null;
            GroupConditions.Stored conditions = null;
            if (conditional) {
                GroupRules.noMemberInput(request.fileUrl(), null, errors);
                conditions = GroupConditions.check(request.conditions(), request.conditionsType(), definitions,
                        tenant, errors);
            } else {
                GroupRules.noConditions(request.conditions(), request.conditionsType(), errors);
                fileUrl = GroupRules.fileUrl(request.fileUrl(), "file_url", errors);
            }
            GroupRules.rejectIfAny(errors);
            return insert(tenant, actor, new NewRow(name, description, category, tags, fileUrl, conditions));
        });
    }

    /** A checked new group: a bulk one has a file, a conditional one conditions. */
    private record NewRow(String name, String description, String category, String[] tags, String fileUrl,
                          GroupConditions.Stored conditions) {
    }

    private Uni<UserGroup> insert(Tenant tenant, String actor, NewRow row) {
        return intake.committed(() -> requireFreeName(tenant, row.name(), null)
                        .chain(groups::nextUid)
                        .chain(uid -> {
                            UserGroup group = new UserGroup();
                            group.id = ObjectIds.next();
                            group.uid = uid;
                            group.companyId = tenant.companyId();
                            group.applicationId = tenant.applicationId();
                            group.name = row.name();
                            group.description = row.description();
                            group.type = row.conditions() == null ? UserGroup.BULK : UserGroup.CONDITIONAL;
                            group.category = row.category();
                            group.tags = row.tags() == null ? new String[0] : row.tags();
                            group.fileUrl = row.fileUrl();
                            if (row.conditions() != null) {
                                group.conditions = row.conditions().json();
                                group.conditionsType = row.conditions().type();
                            }
                            group.active = true;
                            group.createdAt = JobIntake.now();
                            group.modifiedAt = group.createdAt;
                            String jobId = JobIntake.newJobId();
                            markPending(group, jobId);
                            JobType type = row.conditions() == null ? JobType.GROUP_IMPORT : JobType.GROUP_EVALUATE;
                            return groups.persist(group)
                                    .call(() -> intake.enqueue(tenant, actor, jobId, type, group.id, row.fileUrl(),
                                            NODES.objectNode()))
                                    .call(() -> Panache.getSession().chain(s -> s.flush()));
                        }))
                .onFailure(e -> UniqueViolations.is(e, NAME_UNIQUE)).transform(e -> duplicateName(row.name()));
    }

    /**
     * Row 17: changes what the request carries. On a bulk group {@code file_url} or {@code user_data} queue a
     * {@code group_update} job (mode {@code patch}); on a conditional group new {@code conditions} or
     * {@code conditions_type} queue a {@code group_evaluate} job. Either is refused with 409 while another job
     * writes the group's members.
     */
    public Uni<UserGroup> patch(Tenant tenant, String actor, String ref, GroupPatch request) {
        if (request == null) {
            throw ApiException.badRequest("body", "a JSON body is required");
        }
        ConditionInput conditionInput = ConditionInput.of(request.conditions(), request.conditionsType());
        return definitionsIf(tenant, conditionInput != null).chain(definitions -> {
            List<FieldError> errors = GroupRules.problems();
            String type = GroupRules.type(request.type(), errors);
            String name = request.name() == null ? null : GroupRules.name(request.name(), errors);
            String description = GroupRules.description(request.description(), false, errors);
            String[] tags = GroupRules.tags(request.tags(), errors);
            String fileUrl = null;
            ArrayNode userData = null;
            if (request.fileUrl() != null && request.userData() != null) {
                errors.add(FieldError.of("user_data", "give either file_url or user_data, not both"));
            } else if (request.fileUrl() != null && !request.fileUrl().isEmpty()) {
                fileUrl = GroupRules.fileUrl(request.fileUrl(), "file_url", errors);
            } else if (request.userData() != null) {
                userData = GroupRules.userData(request.userData(), errors);
            }
            GroupRules.rejectIfAny(errors);
            MemberChange change = null;
            if (fileUrl != null) {
                ObjectNode params = NODES.objectNode().put("mode", "patch");
                change = new MemberChange("file_url", fileUrl, params);
            } else if (userData != null) {
                ObjectNode params = NODES.objectNode().put("mode", "patch");
                params.set("user_data", userData);
                change = new MemberChange("user_data", null, params);
            }
            return update(tenant, actor, ref, new Changes(type, name, description, null, tags, change,
                    conditionInput == null ? null : conditionInput.with(definitions)));
        });
    }

    /**
     * Row 22: replaces name, description and tags (absent description/tags become empty; an absent category stays,
     * since Fynd's SDK cannot send one); on a bulk group {@code file_url} makes the members exactly the file's people
     * (job {@code group_update}, mode {@code replace}); on a conditional group {@code conditions} (absent = unchanged)
     * re-evaluate it.
     */
    public Uni<UserGroup> replace(Tenant tenant, String actor, String ref, GroupReplace request) {
        if (request == null) {
            throw ApiException.badRequest("body", "a JSON body {name, description, tags, file_url} is required");
        }
        ConditionInput conditionInput = ConditionInput.of(request.conditions(), request.conditionsType());
        return definitionsIf(tenant, conditionInput != null).chain(definitions -> {
            List<FieldError> errors = GroupRules.problems();
            String type = GroupRules.type(request.type(), errors);
            String name = GroupRules.name(request.name(), errors);
            String description = GroupRules.description(request.description() == null ? ""
                    : request.description(), false, errors);
            String category = request.category() == null ? null : GroupRules.category(request.category(), errors);
            String[] tags = GroupRules.tags(request.tags() == null ? List.of() : request.tags(), errors);
            String fileUrl = request.fileUrl() == null || request.fileUrl().isEmpty() ? null
                    : GroupRules.fileUrl(request.fileUrl(), "file_url", errors);
            GroupRules.rejectIfAny(errors);
            MemberChange change = fileUrl == null ? null
                    : new MemberChange("file_url", fileUrl, NODES.objectNode().put("mode", "replace"));
            return update(tenant, actor, ref, new Changes(type, name, description, category, tags, change,
                    conditionInput == null ? null : conditionInput.with(definitions)));
        });
    }

    /** What an update changes: null fields stay as they are. */
    private record Changes(String type, String name, String description, String category, String[] tags,
                           MemberChange members, ConditionInput conditions) {
    }

    /** A change of a bulk group's members through a {@code group_update} job; {@code field} names it in a 409. */
    private record MemberChange(String field, String fileUrl, ObjectNode params) {
    }

    /**
     * New {@code conditions} and/or {@code conditions_type} of a request (either may be null: the group's own is
     * kept), with the application's definitions to check them against.
     */
    private record ConditionInput(JsonNode conditions, JsonNode type, List<FilterContext.Definition> definitions) {

        static ConditionInput of(JsonNode conditions, JsonNode type) {
            JsonNode c = conditions == null || conditions.isNull() ? null : conditions;
            JsonNode t = type == null || type.isNull() ? null : type;
            return c == null && t == null ? null : new ConditionInput(c, t, List.of());
        }

        ConditionInput with(List<FilterContext.Definition> loaded) {
            return new ConditionInput(conditions, type, loaded);
        }
    }

    private Uni<UserGroup> update(Tenant tenant, String actor, String ref, Changes changes) {
        // A bulk group's member change names its field; a conditional group refuses one, so its job is conditions'.
        String busyField = changes.members() == null ? "conditions" : changes.members().field();
        return intake.committed(() -> groups.findByRefForUpdate(tenant, ref)
                        .onItem().ifNull().failWith(UserGroupService::notFound)
                        .call(group -> changes.name() == null || changes.name().equals(group.name)
                                ? Uni.createFrom().voidItem() : requireFreeName(tenant, changes.name(), group.id))
                        .call(group -> {
                            JobType job = memberJob(tenant, group, changes);
                            if (job == null) {
                                apply(group, changes);
                                return Panache.getSession().chain(s -> s.flush());
                            }
                            return requireNoWriter(tenant, group, busyField).chain(() -> {
                                apply(group, changes);
                                String jobId = JobIntake.newJobId();
                                markPending(group, jobId);
                                MemberChange members = changes.members();
                                if (job == JobType.GROUP_EVALUATE) {
                                    return intake.enqueue(tenant, actor, jobId, job, group.id, null,
                                            NODES.objectNode());
                                }
                                if (members.fileUrl() != null) {
                                    group.fileUrl = members.fileUrl();
                                }
                                return intake.enqueue(tenant, actor, jobId, job, group.id, members.fileUrl(),
                                        members.params());
                            }).call(() -> Panache.getSession().chain(s -> s.flush()));
                        }))
                .onFailure(e -> UniqueViolations.is(e, NAME_UNIQUE))
                .transform(e -> duplicateName(changes.name()))
                .onFailure(e -> UniqueViolations.is(e, ONE_WRITER))
                .transform(e -> ApiException.conflict(busyField,
                        "the group's members are being changed by another job; try again when it has finished"));
    }

    /**
     * Checks the change against the group's type and says which job it needs, if any: a bulk group's member change
     * needs {@code group_update}; a conditional group's new conditions (checked now; the group takes them)
     * {@code group_evaluate}, unless they are the ones it has. Throws a 400 naming the field that does not fit.
     */
    private static JobType memberJob(Tenant tenant, UserGroup group, Changes changes) {
        GroupRules.sameType(changes.type(), group);
        if (UserGroup.BULK.equals(group.type)) {
            if (changes.conditions() != null) {
                List<FieldError> errors = GroupRules.problems();
                GroupRules.noConditions(changes.conditions().conditions(), changes.conditions().type(), errors);
                GroupRules.rejectIfAny(errors);
            }
            return changes.members() == null ? null : JobType.GROUP_UPDATE;
        }
        if (changes.members() != null) {
            List<FieldError> errors = GroupRules.problems();
            GroupRules.noMemberInput(changes.members().fileUrl(), changes.members().params().get("user_data"),
                    errors);
            GroupRules.rejectIfAny(errors);
        }
        ConditionInput input = changes.conditions();
        if (input == null) {
            return null;
        }
        List<FieldError> errors = GroupRules.problems();
        GroupConditions.Stored stored = GroupConditions.check(
                input.conditions() != null ? input.conditions() : storedConditions(group),
                input.type() != null ? input.type() : NODES.textNode(group.conditionsType == null
                        ? GroupConditions.AND : group.conditionsType),
                input.definitions(), tenant, errors);
        GroupRules.rejectIfAny(errors);
        if (stored.sameAs(group)) {
            return null;
        }
        group.conditions = stored.json();
        group.conditionsType = stored.type();
        return JobType.GROUP_EVALUATE;
    }

    private static JsonNode storedConditions(UserGroup group) {
        try {
            return group.conditions == null ? NODES.arrayNode() : JSON.readTree(group.conditions);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("stored conditions of group " + group.id + " are not JSON", e);
        }
    }

    private static void apply(UserGroup group, Changes changes) {
        if (changes.name() != null) {
            group.name = changes.name();
        }
        if (changes.description() != null) {
            group.description = changes.description();
        }
        if (changes.category() != null) {
            group.category = changes.category();
        }
        if (changes.tags() != null) {
            group.tags = changes.tags();
        }
        group.modifiedAt = JobIntake.now();
    }

    /** The application's attribute definitions for the filter engine, loaded only when a request has conditions. */
    private Uni<List<FilterContext.Definition>> definitionsIf(Tenant tenant, boolean needed) {
        return needed ? definitions.forFilters(tenant) : Uni.createFrom().item(List.of());
    }

    /** Row 18: the group and all its members, in one transaction; its jobs that have not started are failed. */
    public Uni<Void> delete(Tenant tenant, String ref) {
        return Panache.withTransaction(() -> groups.findByRef(tenant, ref)
                .onItem().ifNull().failWith(UserGroupService::notFound)
                .chain(group -> groups.deleteWithMembers(tenant, group.id)
                        .invoke(deleted -> {
                            if (!deleted) {
                                throw notFound();
                            }
                        })
                        .call(() -> jobs.failQueuedOfGroup(tenant, group.id, "the group was deleted")))
                .replaceWithVoid());
    }

    /**
     * Row 20: queues a recount of a bulk group, or joins the one already queued (the partial unique index
     * {@code job_one_queued_refresh_uq} makes concurrent requests coalesce too); only a new job writes a
     * {@code refresh-total-users} message. A conditional group is evaluated again: a {@code group_evaluate} job that
     * has not started yet is joined (it reads conditions, definitions and values when it starts), otherwise a
     * {@code group_refresh} job is queued or joined as for a bulk group, and a new one becomes the group's last job
     * ({@code pending}), since it rewrites the members.
     */
    public Uni<RefreshAccepted> refresh(Tenant tenant, String actor, String ref) {
        return intake.committed(() -> groups.findByRefForUpdate(tenant, ref)
                .onItem().ifNull().failWith(UserGroupService::notFound)
                .chain(group -> {
                    Uni<String> job = !UserGroup.CONDITIONAL.equals(group.type)
                            ? queueRefresh(tenant, actor, group, REFRESH_ATTEMPTS)
                            : jobs.queuedEvaluation(tenant, group.id).chain(queued -> queued != null
                                    ? Uni.createFrom().item(queued.id)
                                    : queueRefresh(tenant, actor, group, REFRESH_ATTEMPTS));
                    return job.map(jobId -> new RefreshAccepted(group.uid, jobId));
                }));
    }

    private Uni<String> queueRefresh(Tenant tenant, String actor, UserGroup group, int attempts) {
        String jobId = JobIntake.newJobId();
        return jobs.insertRefreshIfNoneQueued(tenant, group.id, jobId, JobIntake.actor(actor)).chain(created -> {
            if (created != null) {
                if (UserGroup.CONDITIONAL.equals(group.type)) {
                    markPending(group, created);
                }
                return outbox.append(jobsConfig.refreshTopic(), group.id,
                        new RefreshTotalUsersMessage(created, tenant.companyId(), tenant.applicationId(), group.id))
                        .call(() -> Panache.getSession().chain(s -> s.flush()))
                        .replaceWith(created);
            }
            // Another request's refresh is queued: join it, unless it started in between (then queue a new one).
            return jobs.queuedRefresh(tenant, group.id).chain(queued -> {
                if (queued != null) {
                    return Uni.createFrom().item(queued.id);
                }
                if (attempts <= 1) {
                    return Uni.createFrom().failure(new IllegalStateException(
                            "group " + group.id + ": the queued refresh kept changing"));
                }
                return queueRefresh(tenant, actor, group, attempts - 1);
            });
        });
    }

    /** Row 11: the distinct tags of the application's groups, alphabetically. */
    @WithSession
    public Uni<List<String>> tags(Tenant tenant) {
        return groups.tags(tenant, config.maxTags());
    }

    /**
     * Row 12: the built-in {@code custom} category, then every other category a group of the application uses;
     * {@code key} (when given) keeps only that one.
     */
    @WithSession
    public Uni<List<Category>> categories(Tenant tenant, String key) {
        return groups.categories(tenant, config.maxCategories()).map(used -> {
            List<Category> all = new ArrayList<>();
            all.add(CUSTOM);
            for (String category : used) {
                if (!category.equals(CUSTOM.key()) && all.size() < config.maxCategories()) {
                    all.add(new Category(category, displayName(category), ""));
                }
            }
            return key == null || key.isBlank() ? all
                    : all.stream().filter(c -> c.key().equals(key.strip())).toList();
        });
    }

    /** Row 13: the newest groups of each category (at most the configured number per category). */
    @WithSession
    public Uni<Map<String, List<UserGroup>>> categorised(Tenant tenant) {
        return categories(tenant, null).chain(categories -> {
            List<String> keys = categories.stream().map(Category::key).toList();
            return groups.newestPerCategory(tenant, keys, config.categorisedPerCategory()).map(list -> {
                Map<String, List<UserGroup>> byCategory = new LinkedHashMap<>();
                keys.forEach(k -> byCategory.put(k, new ArrayList<>()));
                list.forEach(g -> byCategory.get(g.category).add(g));
                return byCategory;
            });
        });
    }

    private Uni<Void> requireFreeName(Tenant tenant, String name, String exceptId) {
        return groups.count("companyId = ?1 and applicationId = ?2 and lower(name) = ?3 and id <> ?4",
                        tenant.companyId(), tenant.applicationId(), name.toLowerCase(Locale.ROOT),
                        exceptId == null ? "" : exceptId)
                .invoke(n -> {
                    if (n > 0) {
                        throw duplicateName(name);
                    }
                }).replaceWithVoid();
    }

    private Uni<Void> requireNoWriter(Tenant tenant, UserGroup group, String field) {
        return jobs.unfinishedWrite(tenant, group.id).invoke(job -> {
            if (job != null) {
                throw busy(field, job);
            }
        }).replaceWithVoid();
    }

    private static String oneOf(String raw, String name, Set<String> allowed) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        String value = raw.strip();
        if (!allowed.contains(value)) {
            throw ApiException.badRequest(name, name + " must be one of " + String.join(", ",
                    allowed.stream().sorted().toList()));
        }
        return value;
    }

    private static String text(String raw) {
        return raw == null || raw.isBlank() ? null : raw.strip();
    }

    /** Tags of the list filter: comma-separated, repeated, or both. */
    private static String[] tags(List<String> raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        String[] tags = raw.stream().flatMap(t -> Arrays.stream(t.split(","))).map(String::strip)
                .filter(t -> !t.isEmpty()).distinct().toArray(String[]::new);
        return tags.length == 0 ? null : tags;
    }

    private static void markPending(UserGroup group, String jobId) {
        group.status = UserGroup.PENDING;
        group.lastJobId = jobId;
        // The error of the previous job is shown until this one replaces it at its end: reset so that the count
        // never goes with the new job's error report.
        group.errorCount = 0;
    }

    private static String displayName(String key) {
        String words = key.replace('_', ' ').replace('-', ' ').strip();
        return words.isEmpty() ? key : Character.toUpperCase(words.charAt(0)) + words.substring(1);
    }

    static ApiException notFound() {
        return ApiException.notFound("user group");
    }

    private static ApiException duplicateName(String name) {
        return ApiException.conflict("name", "a user group named '" + name + "' already exists");
    }

    private static ApiException busy(String field, Job job) {
        return ApiException.conflict(field, "the group's members are being changed by job " + job.id + " ("
                + job.status + "); try again when it has finished");
    }
}
