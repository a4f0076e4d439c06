package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.ApiKey;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.service.ApiKeyService;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.openaudience.common.time.IsoMillis;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The GoSquared API keys of an application ({@code …/api_keys}, API.md §3), managed with a Fynd token: they
 * authenticate {@code /people/v1} and {@code /tracking/v1} with the application's site token.
 */
@Path(FyndPaths.APPLICATION + "/api_keys")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "GoSquared API keys")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class ApiKeyResource {

    private final ApiKeyService keys;
    private final TenantContext tenant;

    public ApiKeyResource(ApiKeyService keys, TenantContext tenant) {
        this.keys = keys;
        this.tenant = tenant;
    }

    @POST
    @Operation(summary = "Issue an API key",
            description = "Body `{name?}`. Answers the key once (`api_key`): only its SHA-256 is stored. `site_token` "
                    + "names the application on `/people/v1` and `/tracking/v1` and is the same for every key of the "
                    + "application.")
    @RequestBody(required = false, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "key", value = "{\"name\":\"website tracking\"}")))
    @APIResponse(responseCode = "201", description = "Issued; Location is the key's (DELETE) path",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "issued",
                    value = "{\"id\":\"674c1f0a9d3e2b0012a4c001\",\"api_key\":\"K7Q2M5X3TJ4WZB6N8R2C4D5F7G8H2J3K\","
                            + "\"site_token\":\"GSN-AB12CD34EF56GH78\",\"name\":\"website tracking\","
                            + "\"created_at\":\"2026-12-01T10:00:00.000Z\"}")))
    @APIResponse(responseCode = "400", description = "`name` is not a single line of at most 255 characters")
    @APIResponse(responseCode = "409", description = "The application already holds the most active keys allowed")
    public Uni<Response> issue(JsonNode body) {
        Tenant current = tenant.tenant();
        return keys.issue(current, body).map(issued -> Response.created(FyndPaths.location("/api_keys/{id}",
                        current.companyId(), current.applicationId(), issued.key().id))
                .entity(KeyView.of(issued.key(), issued.apiKey())).build());
    }

    @GET
    @Operation(summary = "List the active API keys", description = "Oldest first, without the keys themselves.")
    @APIResponse(responseCode = "200", description = "A page of keys")
    @APIResponse(responseCode = "400", description = "A paging value that does not parse")
    public Uni<FyndItems<KeyView>> list(
            @Parameter(description = "Page number from 1 (default 1)") @QueryParam("page_no") String pageNo,
            @Parameter(description = "1–100 (default 10)") @QueryParam("page_size") String pageSize) {
        PageRequest page = QueryFilters.page(pageNo, pageSize);
        return keys.list(tenant.tenant(), page).map(p -> new FyndItems<>(
                p.items().stream().map(k -> KeyView.of(k, null)).toList(),
                FyndPage.of(page.pageNo(), page.pageSize(), p.total())));
    }

    @DELETE
    @Path("/{id}")
    @Operation(summary = "Revoke an API key", description = "From this answer on, the key is refused with 401.")
    @APIResponse(responseCode = "200", description = "Revoked")
    @APIResponse(responseCode = "404", description = "No such active key in this application")
    public Uni<MessageResult> revoke(@PathParam("id") String id) {
        return keys.revoke(tenant.tenant(), id).map(v -> MessageResult.of("API key revoked"));
    }

    /** A key as shown: {@code api_key} only in the answer that issued it. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record KeyView(String id, @JsonProperty("api_key") String apiKey,
                          @JsonProperty("site_token") String siteToken, String name,
                          @JsonProperty("created_at") String createdAt) {

        static KeyView of(ApiKey key, String apiKey) {
            return new KeyView(key.id, apiKey, key.siteToken, key.name, IsoMillis.format(key.createdAt));
        }
    }
}
