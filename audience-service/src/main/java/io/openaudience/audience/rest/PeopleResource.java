package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.PeopleService;
import io.openaudience.common.security.TenantContext;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestMulti;

/** GoSquared people search ({@code /people/v1/people}, API.md §3): any filters, without saving a group. */
@Path(GoSquaredPaths.PEOPLE + "/people")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "GoSquared People")
@APIResponse(responseCode = "401", description = "No or a bad api_key/site_token (or bearer token)")
public class PeopleResource {

    private final PeopleService people;
    private final TenantContext tenant;

    public PeopleResource(PeopleService people, TenantContext tenant) {
        this.people = people;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Search people", description = "`filters` is a JSON array of smart-group filters (absent: "
            + "everyone); the other parameters as for a smart group's people. `presenter=csv` streams CSV.")
    @APIResponse(responseCode = "200", description = "{list: [Person], cardinality} (cardinality is exact)",
            content = {@Content(mediaType = MediaType.APPLICATION_JSON), @Content(mediaType = GoSquaredPaths.CSV)})
    @APIResponse(responseCode = "400", description = "Bad filters (the message names filters[i].…) or a bad query, "
            + "fields, sort, presenter, limit or dateFormat")
    public Uni<SmartGroupView.Listing<JsonNode>> search(
            @Parameter(description = "JSON array of filters, e.g. [{\"key\":\"property\",\"path\":\"email\","
                    + "\"operator\":\"contains\",\"value\":\"example.com\"}]") @QueryParam("filters") String filters,
            @Parameter(description = "Part of the id, name or email (case-insensitive)") @QueryParam("query")
            String query,
            @Parameter(description = "Comma-separated person paths") @QueryParam("fields") String fields,
            @Parameter(description = "path:asc|desc (default last.seen:desc)") @QueryParam("sort") String sort,
            @Parameter(description = "plain (default) or csv") @QueryParam("presenter") String presenter,
            @Parameter(description = "\"offset,count\" or \"count\" (default 0,10; count ≤ 1000, csv ≤ 100000)")
            @QueryParam("limit") String limit,
            @Parameter(description = "A Moment.js format for dates") @QueryParam("dateFormat") String dateFormat) {
        PeopleRequests.plain(presenter);
        return people.people(tenant.tenant(), filters, new PeopleService.Options(query, fields, sort, limit,
                dateFormat)).map(PeopleRequests::listing);
    }

    @GET
    @Produces(GoSquaredPaths.CSV)
    @Operation(hidden = true)
    public Multi<String> searchCsv(@QueryParam("filters") String filters, @QueryParam("query") String query,
                                   @QueryParam("fields") String fields, @QueryParam("sort") String sort,
                                   @QueryParam("limit") String limit, @QueryParam("dateFormat") String dateFormat) {
        return RestMulti.fromUniResponse(people.peopleCsv(tenant.tenant(), filters, new PeopleService.Options(query,
                fields, sort, limit, dateFormat)), csv -> csv, csv -> PeopleRequests.attachment("people.csv"));
    }
}
