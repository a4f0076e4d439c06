package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.EventService;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The event intake of the Fynd API (`…/events`). */
@Path(FyndPaths.APPLICATION + "/events")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "Events")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class EventResource {

    private final EventService events;
    private final TenantContext tenant;

    public EventResource(EventService events, TenantContext tenant) {
        this.events = events;
        this.tenant = tenant;
    }

    @POST
    @Operation(summary = "Track events",
            description = "One event `{user_id, name, timestamp?, properties?, href?}` or an array of up to 1,000. "
                    + "`timestamp` is ISO-8601 (default: when received), between 2000-01-01 and a day from now. "
                    + "Unknown users are created. All or nothing: an invalid event rejects the request, naming "
                    + "`[i].field`. A `pageview` after 30 minutes without activity counts as a visit.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON,
            examples = @ExampleObject(name = "events", value = UserAttributeExamples.EVENTS)))
    @APIResponse(responseCode = "200", description = "Stored",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "accepted", value = UserAttributeExamples.EVENTS_ACCEPTED)))
    @APIResponse(responseCode = "400", description = "An invalid event; nothing was stored")
    @APIResponse(responseCode = "413", description = "More than 1,000 events")
    public Uni<Accepted> track(JsonNode body) {
        return events.track(tenant.tenant(), body).map(n -> new Accepted(true, n));
    }

    /** {@code {success: true, accepted: n}}: how many events were stored. */
    public record Accepted(boolean success, int accepted) {
    }
}
