package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.FeedService;
import io.openaudience.audience.service.PeopleService;
import io.openaudience.audience.service.SmartGroupService;
import io.openaudience.common.security.PublicEndpoint;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** GoSquared smart groups ({@code /people/v1/smartgroups}, API.md §3): the groups, their people and their feed. */
@Path(GoSquaredPaths.SMART_GROUPS)
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "GoSquared People")
@APIResponse(responseCode = "401", description = "No or a bad api_key/site_token (or bearer token): "
        + "{success: false, error: {code, message: \"Your API Key is not authorised for this endpoint\"}}")
public class SmartGroupResource {

    private final SmartGroupService groups;
    private final PeopleService people;
    private final FeedService feeds;
    private final TenantContext tenant;

    public SmartGroupResource(SmartGroupService groups, PeopleService people, FeedService feeds,
                              TenantContext tenant) {
        this.groups = groups;
        this.people = people;
        this.feeds = feeds;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Retrieve all smart groups", description = "Oldest first, with their filters.")
    @APIResponse(responseCode = "200", description = "{list: [SmartGroup], cardinality}")
    public Uni<SmartGroupView.Listing<SmartGroupView>> list() {
        return groups.list(tenant.tenant()).map(list -> new SmartGroupView.Listing<>(
                list.stream().map(SmartGroupView::of).toList(), list.size()));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Add a smart group",
            description = "`{name, filters, prefs?}`. `filters` (ANDed): `{key: \"property\", path, operator, value}` "
                    + "or `{key: \"event\", name, field: count|first|last, operator, value}`; operators `= != contains "
                    + "!contains starts ends > < >< defined !defined`; relative dates `{operator, direction: \"past\", "
                    + "number, period: days|hours}`. The id is the slugified name (`-1`, `-2` … when taken) and "
                    + "never changes.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "group",
            value = "{\"name\":\"Active pro users\",\"filters\":[{\"key\":\"property\",\"path\":\"custom.plan\","
                    + "\"operator\":\"=\",\"value\":\"pro\"},{\"key\":\"property\",\"path\":\"last.seen\","
                    + "\"operator\":\">\",\"direction\":\"past\",\"number\":30,\"period\":\"days\"},{\"key\":\"event\","
                    + "\"name\":\"pageview\",\"field\":\"count\",\"operator\":\">\",\"value\":5}]}")))
    @APIResponse(responseCode = "201", description = "The SmartGroup; Location is its path")
    @APIResponse(responseCode = "400", description = "A missing name, or a filter with an unknown key, path, operator, "
            + "period or a bad value; the message names it (e.g. filters[1].operator)")
    @APIResponse(responseCode = "409", description = "The application holds the most smart groups allowed")
    public Uni<Response> create(JsonNode body) {
        return groups.create(tenant.tenant(), body).map(g -> Response.created(UriBuilder
                        .fromPath(GoSquaredPaths.SMART_GROUPS + "/{id}").build(g.slug))
                .entity(SmartGroupView.of(g)).build());
    }

    @GET
    @Path("/{groupID}")
    @Operation(summary = "Retrieve a smart group")
    @APIResponse(responseCode = "200", description = "The SmartGroup")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<SmartGroupView> get(@PathParam("groupID") String groupId) {
        return groups.get(tenant.tenant(), groupId).map(SmartGroupView::of);
    }

    @PUT
    @Path("/{groupID}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(summary = "Replace a smart group's name, filters and prefs",
            description = "Same body as the create; the id does not change with the name.")
    @APIResponse(responseCode = "200", description = "The SmartGroup")
    @APIResponse(responseCode = "400", description = "As for the create")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<SmartGroupView> replace(@PathParam("groupID") String groupId, JsonNode body) {
        return groups.replace(tenant.tenant(), groupId, body).map(SmartGroupView::of);
    }

    @GET
    @Path("/{groupID}/people")
    @Operation(summary = "Retrieve the people of a smart group",
            description = "The people passing the group's filters now. `presenter=csv` streams the same list as CSV "
                    + "(text/csv; columns = `fields`, else the group's prefs fields, else every field).")
    @APIResponse(responseCode = "200", description = "{list: [Person], cardinality} (cardinality is exact)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = GoSquaredPaths.CSV)})
    @APIResponse(responseCode = "400", description = "A bad query, fields, sort, presenter, limit or dateFormat")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<SmartGroupView.Listing<JsonNode>> people(
            @PathParam("groupID") String groupId,
            @Parameter(description = "Part of the id, name or email (case-insensitive)") @QueryParam("query")
            String query,
            @Parameter(description = "Comma-separated person paths, e.g. id,email,custom.plan,last.seen")
            @QueryParam("fields") String fields,
            @Parameter(description = "path:asc|desc (default: the group's prefs, else last.seen:desc)")
            @QueryParam("sort") String sort,
            @Parameter(description = "plain (default) or csv") @QueryParam("presenter") String presenter,
            @Parameter(description = "\"offset,count\" or \"count\" (default 0,10; count ≤ 1000, csv ≤ 100000)")
            @QueryParam("limit") String limit,
            @Parameter(description = "A Moment.js format for dates, e.g. YYYY-MM-DD") @QueryParam("dateFormat")
            String dateFormat) {
        PeopleRequests.plain(presenter);
        return people.groupPeople(tenant.tenant(), groupId, new PeopleService.Options(query, fields, sort, limit,
                dateFormat)).map(PeopleRequests::listing);
    }

    @GET
    @Path("/{groupID}/people")
    @Produces(GoSquaredPaths.CSV)
    @Operation(hidden = true)
    public Multi<String> peopleCsv(@PathParam("groupID") String groupId, @QueryParam("query") String query,
                                   @QueryParam("fields") String fields, @QueryParam("sort") String sort,
                                   @QueryParam("limit") String limit, @QueryParam("dateFormat") String dateFormat) {
        return RestMulti.fromUniResponse(people.groupCsv(tenant.tenant(), groupId, new PeopleService.Options(query,
                        fields, sort, limit, dateFormat)), csv -> csv,
                csv -> PeopleRequests.attachment(groupId + "-people.csv"));
    }

    @GET
    @Path("/{groupID}/feed")
    @Operation(summary = "Retrieve a feed of events from everyone in a smart group",
            description = "A link, valid 15 minutes and usable without a key, to the members' pageview events in "
                    + "[from, to) as CSV (`timestamp,person_id,email,event,href`). `from`/`to` are ISO-8601 (a date "
                    + "alone as `to` includes that day); default to = now, from = to − 60 days; at most 60 days.")
    @APIResponse(responseCode = "200", description = "{link, expires}",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "link",
                    value = "{\"link\":\"http://127.0.0.1:8082/people/v1/smartgroups/vip/feed/download?company_id=1"
                            + "&application_id=app1&from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z"
                            + "&expires=1764584100&signature=…\",\"expires\":\"2026-12-01T10:15:00Z\"}")))
    @APIResponse(responseCode = "400", description = "from or to not ISO-8601, from not before to, or more than 60 "
            + "days")
    @APIResponse(responseCode = "404", description = "No such group in this application")
    public Uni<FeedService.FeedLink> feed(@PathParam("groupID") String groupId, @QueryParam("from") String from,
                                          @QueryParam("to") String to, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return feeds.link(current, groupId, from, to, uri.getBaseUri());
    }

    @GET
    @Path("/{groupID}/feed/download")
    @Produces(GoSquaredPaths.CSV)
    @PublicEndpoint
    @Operation(summary = "Download a feed (the signed link)", description = "No key: the signature is the "
            + "authorisation. 403 once expired or when any part of the link was changed.")
    @APIResponse(responseCode = "200", description = "text/csv, attachment")
    @APIResponse(responseCode = "403", description = "Expired or tampered link")
    public Multi<String> download(@PathParam("groupID") String groupId,
                                  @QueryParam("company_id") String company,
                                  @QueryParam("application_id") String application,
                                  @QueryParam("from") String from, @QueryParam("to") String to,
                                  @QueryParam("expires") String expires,
                                  @QueryParam("signature") String signature) {
        return RestMulti.fromUniResponse(feeds.download(groupId, company, application, from, to, expires, signature),
                csv -> csv, csv -> PeopleRequests.attachment(groupId + "-pageviews.csv"));
    }
}
