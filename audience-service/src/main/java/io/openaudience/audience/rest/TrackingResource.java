package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.TrackingService;
import io.openaudience.common.security.TenantContext;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * GoSquared's tracking intake ({@code /tracking/v1}, API.md §3) as the {@code gosquared} npm client calls it:
 * {@code createPerson(id).identify()}, {@code .setProperties()}, {@code .trackEvent()}. A GET of these paths only
 * checks the credentials.
 */
@Path(GoSquaredPaths.TRACKING)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "GoSquared Tracking")
@APIResponse(responseCode = "401", description = "No or a bad api_key/site_token (or bearer token)")
public class TrackingResource {

    private static final String PROPERTIES = "{\"person_id\":\"u-1\",\"properties\":{\"id\":\"u-1\",\"email\":"
            + "\"asha@example.com\",\"name\":\"Asha Rao\",\"created_at\":\"2026-01-15T09:00:00Z\",\"plan\":\"pro\","
            + "\"custom\":{\"seats\":5}}}";

    private final TrackingService tracking;
    private final TenantContext tenant;

    public TrackingResource(TrackingService tracking, TenantContext tenant) {
        this.tracking = tracking;
        this.tenant = tenant;
    }

    @POST
    @Path("/identify")
    @Operation(summary = "Identify a person", description = "`{person_id, properties}`: creates the person if "
            + "unknown. Reserved properties (`email, name, first_name, last_name, phone, created_at, username, "
            + "description, avatar, company_name, company_industry, company_position, company_size`) set the profile; "
            + "every other key, at the top level or under `custom`, merges into `custom` key by key (`null` removes "
            + "it). A custom key that is an attribute definition's slug sets that attribute, checked against its "
            + "type and validations.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "identify", value = PROPERTIES)))
    @APIResponse(responseCode = "200", description = "{success: true}")
    @APIResponse(responseCode = "400", description = "A bad person_id or property, named in the message")
    @APIResponse(responseCode = "409", description = "The email or phone is another person's")
    public Uni<Success> identify(JsonNode body) {
        return tracking.properties(tenant.tenant(), body).map(v -> Success.OK);
    }


    @POST
    @Path("/properties")
    @Operation(summary = "Set a person's properties", description = "Same body and rules as identify.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "properties", value = PROPERTIES)))
    @APIResponse(responseCode = "200", description = "{success: true}")
    @APIResponse(responseCode = "400", description = "A bad person_id or property, named in the message")
    @APIResponse(responseCode = "409", description = "The email or phone is another person's")
    public Uni<Success> properties(JsonNode body) {
        return tracking.properties(tenant.tenant(), body).map(v -> Success.OK);
    }


    @POST
    @Path("/event")
    @Operation(summary = "Track an event", description = "`{person_id?, event: {name, data?}, timestamp?}`; a "
            + "`pageview` is an event whose `data.href` is the page. Stored with the person's totals and event stats "
            + "(people are created when unknown); an event without person_id is accepted and not stored.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(name = "event",
            value = "{\"person_id\":\"u-1\",\"event\":{\"name\":\"pageview\",\"data\":{\"href\":"
                    + "\"https://shop.example/pricing\"}}}")))
    @APIResponse(responseCode = "200", description = "{success: true}")
    @APIResponse(responseCode = "400", description = "A bad person_id, event.name, event.data or timestamp")
    public Uni<Success> event(JsonNode body) {
        return tracking.event(tenant.tenant(), body).map(v -> Success.OK);
    }


    @GET
    @Path("/{call: identify|properties|event}")
    @Consumes(MediaType.WILDCARD)
    @Operation(summary = "Check the credentials (GET)", description = "A GET of a tracking path, with or without an "
            + "empty JSON body (clients send their empty-bodied calls so), answers {success: true} when the key is "
            + "good and writes nothing: GET is safe; tracking data goes in a POST.")
    @APIResponse(responseCode = "200", description = "{success: true}")
    public Uni<Success> check(@Parameter(description = "identify, properties or event",
            schema = @Schema(enumeration = {"identify", "properties", "event"})) @PathParam("call") String call) {
        tenant.tenant();
        return Uni.createFrom().item(Success.OK);
    }

    /** GoSquared's {@code {success: true}}. */
    public record Success(boolean success) {
        static final Success OK = new Success(true);
    }
}
