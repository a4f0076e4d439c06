package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.AppUserService;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** People written and read one at a time (`…/users/{user_id}`), the way in besides CSV files and events. */
@Path(FyndPaths.APPLICATION + "/users/{user_id}")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Users")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class AppUserResource {

    private final AppUserService users;
    private final TenantContext tenant;

    public AppUserResource(AppUserService users, TenantContext tenant) {
        this.users = users;
        this.tenant = tenant;
    }

    @PUT
    @Operation(summary = "Create or update a user",
            description = "Body: `emails` [{email, primary, verified, active}], `phone_numbers` [{phone, "
                    + "country_code, primary, verified, active}], `properties` (object), `first_name`, `last_name`, "
                    + "`name`. Each field present replaces the stored one (null clears it); absent fields keep "
                    + "theirs. The primary email and phone (the one marked primary, else the first) identify the "
                    + "user: one that is another user's primary is a 409.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(
            name = "user", value = "{\"first_name\":\"Asha\",\"emails\":[{\"email\":\"asha@example.com\","
            + "\"primary\":true}],\"phone_numbers\":[{\"phone\":\"9999999999\",\"country_code\":\"91\"}],"
            + "\"properties\":{\"plan\":\"pro\"}}")))
    @APIResponse(responseCode = "201", description = "Created the user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "user", value = UserAttributeExamples.USER)))
    @APIResponse(responseCode = "200", description = "Updated the user")
    @APIResponse(responseCode = "400", description = "An invalid field, named in meta.errors")
    @APIResponse(responseCode = "409", description = "The primary email or phone belongs to another user")
    public Uni<Response> put(@PathParam("user_id") String userId, JsonNode body) {
        Tenant current = tenant.tenant();
        return users.upsert(current, userId, body).map(u -> (u.created()
                ? Response.created(FyndPaths.location("/users/{user_id}", current.companyId(),
                current.applicationId(), userId))
                : Response.ok()).entity(UserView.of(u.user())).build());
    }

    @GET
    @Operation(summary = "Get a user")
    @APIResponse(responseCode = "200", description = "The user",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "user", value = UserAttributeExamples.USER)))
    @APIResponse(responseCode = "404", description = "No such user in this application")
    public Uni<UserView> get(@PathParam("user_id") String userId) {
        return users.get(tenant.tenant(), userId).map(UserView::of);
    }
}
