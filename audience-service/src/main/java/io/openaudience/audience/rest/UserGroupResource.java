package io.openaudience.audience.rest;

import io.openaudience.audience.GroupRequests.GroupPatch;
import io.openaudience.audience.GroupRequests.GroupReplace;
import io.openaudience.audience.GroupRequests.NewGroup;
import io.openaudience.audience.rest.GroupViews.Categories;
import io.openaudience.audience.rest.GroupViews.Categorised;
import io.openaudience.audience.rest.GroupViews.CursorPageView;
import io.openaudience.audience.rest.GroupViews.Deleted;
import io.openaudience.audience.rest.GroupViews.GroupList;
import io.openaudience.audience.rest.GroupViews.Members;
import io.openaudience.audience.rest.GroupViews.RefreshAccepted;
import io.openaudience.audience.rest.GroupViews.Tags;
import io.openaudience.audience.rest.GroupViews.UserSummary;
import io.openaudience.audience.service.GroupMemberService;
import io.openaudience.audience.service.GroupMemberService.MemberQuery;
import io.openaudience.audience.service.UserGroupService;
import io.openaudience.audience.service.UserGroupService.ListQuery;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Fynd user groups ({@code …/user_group}, API.md §2 rows 11–20 and 22). */
@Path("/service/platform/user/v1.0/company/{company_id}/application/{application_id}/user_group")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "User groups")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class UserGroupResource {

    private static final String GROUP_ID_DOC = "The group's `_id` (24 hex digits) or its `uid` (all digits)";

    private final UserGroupService groups;
    private final GroupMemberService members;
    private final TenantContext tenant;
    private final JsonWebToken token;

    public UserGroupResource(UserGroupService groups, GroupMemberService members, TenantContext tenant,
                             JsonWebToken token) {
        this.groups = groups;
        this.members = members;
        this.tenant = tenant;
        this.token = token;
    }

    @GET
    @Path("/tags")
    @Operation(summary = "List group tags", description = "The distinct tags of the application's groups, "
            + "alphabetically (at most `audience.groups.max-tags`).")
    @APIResponse(responseCode = "200", description = "`{items: [tag]}`")
    public Uni<Tags> tags() {
        return groups.tags(tenant.tenant()).map(Tags::new);
    }

    @GET
    @Path("/categories")
    @Operation(summary = "List group categories", description = "The built-in `custom` category (every group's "
            + "default), then each other category a group of the application uses; `category` keeps only that key.")
    @APIResponse(responseCode = "200", description = "`{items: [{key, name, description}]}`")
    public Uni<Categories> categories(
            @Parameter(description = "Filter by category key") @QueryParam("category") String category) {
        return groups.categories(tenant.tenant(), category).map(Categories::new);
    }

    @GET
    @Path("/categorised")
    @Operation(summary = "List groups by category", description = "Each category (as the categories list) with its "
            + "newest groups, at most `audience.groups.categorised-per-category` (default 50) per category.")
    @APIResponse(responseCode = "200", description = "`{user_groups: {<category key>: [UserGroup]}}`")
    public Uni<Categorised> categorised(@Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.categorised(current).map(byCategory -> {
            Map<String, List<UserGroupView>> views = new LinkedHashMap<>();
            byCategory.forEach((key, list) -> views.put(key, list.stream()
                    .map(g -> UserGroupView.of(g, current, uri.getBaseUri())).toList()));
            return new Categorised(views);
        });
    }

    @GET
    @Operation(summary = "List groups", description = "Newest first. `name` matches case-insensitively anywhere in "
            + "the name; `tags` (comma-separated or repeated) keeps groups carrying any of them.")
    @APIResponse(responseCode = "200", description = "`{items: [UserGroup], page}`")
    @APIResponse(responseCode = "400", description = "A filter or paging value is not valid (named in meta.errors)")
    public Uni<GroupList> list(@QueryParam("status") String status, @QueryParam("type") String type,
                               @QueryParam("name") String name, @QueryParam("group_uid") String groupUid,
                               @QueryParam("tags") List<String> tags, @QueryParam("category") String category,
                               @QueryParam("page_no") String pageNo, @QueryParam("page_size") String pageSize,
                               @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.list(current, new ListQuery(status, type, name, groupUid, tags, category, pageNo, pageSize))
                .map(result -> new GroupList(result.groups().stream()
                        .map(g -> UserGroupView.of(g, current, uri.getBaseUri())).toList(),
                        FyndPage.of(result.pageNo(), result.pageSize(), result.total())));
    }

    @POST
    @Operation(summary = "Create group", description = "A bulk group `{name, description, category?, file_url, "
            + "tags?}`: answered `pending` at once; a `group_import` job reads the CSV (`user_id`, `email`, "
            + "`phone_number`, `country_code`, attribute slugs). A conditional group `{name, description, "
            + "type: conditional, conditions: [{user_attribute_definition_id | definition_id, type: eq|ne|gt|lt|gte|"
            + "lte|cnt|nct|is|nis|sw|ew|btw|in|nin, value}], conditions_type?: and|or, tags?}`: the conditions are "
            + "checked now (400 naming e.g. `conditions[1].value`), a `group_evaluate` job finds its members. "
            + "`category` defaults to `custom`.")
    @APIResponse(responseCode = "201", description = "The group, `status: pending`; Location points to it")
    @APIResponse(responseCode = "400", description = "A field is missing or not valid (named in meta.errors)")
    @APIResponse(responseCode = "409", description = "The application has a group of that name")
    public Uni<RestResponse<UserGroupView>> create(NewGroup body, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.create(current, token.getSubject(), body).map(g -> RestResponse.ResponseBuilder
                .<UserGroupView>created(FyndLinks.absoluteUri(uri.getBaseUri(), FyndLinks.groupPath(current, g.id)))
                .entity(UserGroupView.of(g, current, uri.getBaseUri())).build());
    }

    @GET
    @Path("/{group_id}")
    @Operation(summary = "Get group")
    @APIResponse(responseCode = "200", description = "The group")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<UserGroupView> get(@Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId,
                                  @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.get(current, groupId).map(g -> UserGroupView.of(g, current, uri.getBaseUri()));
    }

    @PATCH
    @Path("/{group_id}")
    @Operation(summary = "Patch group", description = "Changes what the body carries: `name`, `description`, "
            + "`tags`, and for a bulk group either `file_url` (a CSV with an `action` column, add/remove) or "
            + "`user_data` (at most 1,000 `{user_id|email|phone_number, country_code?, action}`), which queue a "
            + "`group_update` job; for a conditional group `conditions` and/or `conditions_type`, which (when they "
            + "differ from the group's) queue a `group_evaluate` job.")
    @APIResponse(responseCode = "200", description = "The group (pending when a job was queued)")
    @APIResponse(responseCode = "400", description = "A field is not valid (named in meta.errors)")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    @APIResponse(responseCode = "409", description = "Another job is still changing the group's members, or the "
            + "new name is taken")
    public Uni<UserGroupView> patch(@Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId,
                                    GroupPatch body, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.patch(current, token.getSubject(), groupId, body)
                .map(g -> UserGroupView.of(g, current, uri.getBaseUri()));
    }

    @PUT
    @Path("/{group_id}")
    @Operation(summary = "Update group", description = "A full update: `name` (required), `description` and `tags` "
            + "(absent = empty), `category` (absent = unchanged); for a bulk group optionally `file_url`, whose "
            + "people become exactly the group's members (a `group_update` job, mode `replace`); for a conditional "
            + "group optionally `conditions` / `conditions_type` (absent = unchanged; new ones queue "
            + "`group_evaluate`).")
    @APIResponse(responseCode = "200", description = "The group (pending when a job was queued)")
    @APIResponse(responseCode = "400", description = "A field is missing or not valid (named in meta.errors)")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    @APIResponse(responseCode = "409", description = "Another job is still changing the group's members, or the "
            + "new name is taken")
    public Uni<UserGroupView> replace(@Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId,
                                      GroupReplace body, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.replace(current, token.getSubject(), groupId, body)
                .map(g -> UserGroupView.of(g, current, uri.getBaseUri()));
    }

    @DELETE
    @Path("/{group_id}")
    @Operation(summary = "Delete group", description = "Deletes the group and all its members in one transaction; "
            + "its jobs that have not started fail.")
    @APIResponse(responseCode = "200", description = "`{message, success: true}`")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<Deleted> delete(@Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId) {
        return groups.delete(tenant.tenant(), groupId).replaceWith(new Deleted("User group deleted", true));
    }

    @GET
    @Path("/{group_id}/users")
    @Operation(summary = "List users in group", description = "Cursor pages in member order: pass a page's "
            + "`next_cursor` with `direction=next` or its `prev_cursor` with `direction=prev`. Stable while members "
            + "are added: no member repeats and none present throughout is skipped. `q` matches the primary email or "
            + "phone (contains). There is no blacklist: `blacklisted_users=true` finds nobody.")
    @APIResponse(responseCode = "200", description = "`{items: [UserSummary], page: {type: cursor, current, size, "
            + "has_next, has_prev, next_cursor, prev_cursor}}`")
    @APIResponse(responseCode = "400", description = "A bad `cursor`, `direction`, `page_size`, `q` or "
            + "`blacklisted_users` (named in meta.errors)")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<Members> users(@Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId,
                              @QueryParam("q") String q, @QueryParam("cursor") String cursor,
                              @QueryParam("direction") String direction, @QueryParam("page_size") String pageSize,
                              @QueryParam("blacklisted_users") String blacklisted) {
        return members.page(tenant.tenant(), groupId, new MemberQuery(q, cursor, direction, pageSize, blacklisted))
                .map(p -> new Members(p.items().stream().map(UserSummary::of).toList(),
                        CursorPageView.of(p.page())));
    }

    @POST
    @Path("/{group_id}/refresh")
    @Operation(summary = "Refresh total users", description = "Queues a recount of a bulk group, or a new "
            + "evaluation of a conditional one (job `group_refresh`, message on `refresh-total-users`); while one is "
            + "queued, further requests join it (same `job_id`). A conditional group whose `group_evaluate` job has "
            + "not started yet answers that job's id.")
    @APIResponse(responseCode = "202", description = "`{message, uid, job_id}`; Location points to the job")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<RestResponse<RefreshAccepted>> refresh(
            @Parameter(description = GROUP_ID_DOC) @PathParam("group_id") String groupId, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return groups.refresh(current, token.getSubject(), groupId).map(r -> RestResponse.ResponseBuilder
                .<RefreshAccepted>accepted()
                .location(FyndLinks.absoluteUri(uri.getBaseUri(), FyndLinks.jobPath(current, r.jobId())))
                .entity(new RefreshAccepted("Refresh of total users queued", r.uid(), r.jobId())).build());
    }
}
