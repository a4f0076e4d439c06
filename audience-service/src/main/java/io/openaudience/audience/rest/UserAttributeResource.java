package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.GroupRequests.BulkAttributeUpdate;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.UserAttributeWrite;
import io.openaudience.audience.repository.UserFilterRepository.AttributeRow;
import io.openaudience.audience.rest.GroupViews.BulkUpdateAccepted;
import io.openaudience.audience.service.AttributeBulkUpdateService;
import io.openaudience.audience.service.AttributeDefinitionService;
import io.openaudience.audience.service.UserAttributeService;
import io.openaudience.audience.service.UserFilterService;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.error.ApiException;
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
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;
import org.jboss.resteasy.reactive.RestResponse;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Everything under `…/user_attribute/` but the definitions: people's attribute values (rows 7–10 and 23–25), their bulk
 * update (row 6) and the filter of row 26.
 */
@Path(FyndPaths.APPLICATION + "/user_attribute")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "User attributes")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class UserAttributeResource {

    private final UserAttributeService attributes;
    private final UserFilterService filters;
    private final AttributeBulkUpdateService bulkUpdates;
    private final TenantContext tenant;
    private final JsonWebToken token;

    public UserAttributeResource(UserAttributeService attributes, UserFilterService filters,
                                 AttributeBulkUpdateService bulkUpdates, TenantContext tenant, JsonWebToken token) {
        this.attributes = attributes;
        this.filters = filters;
        this.bulkUpdates = bulkUpdates;
        this.tenant = tenant;
        this.token = token;
    }

    @PATCH
    @Path("bulk_update")
    @Operation(summary = "Bulk update attributes", description = "`{file_url, attributes: [{key, value}]}`: every "
            + "person of the CSV (`user_id`, `email` or `phone_number` column; unknown people are created) gets these "
            + "values; columns named after a definition's slug override them per row. Keys (slug or `_id`) and "
            + "values are checked now; the file is read by an `attribute_bulk_update` job.")
    @APIResponse(responseCode = "202", description = "`{success, message, processing_type: async, job_id, "
            + "status_code: 202}`; Location points to the job")
    @APIResponse(responseCode = "400", description = "A bad file_url, unknown key or invalid value (named in "
            + "meta.errors as `attributes[i].key|value`)")
    public Uni<RestResponse<BulkUpdateAccepted>> bulkUpdate(BulkAttributeUpdate body, @Context UriInfo uri) {
        Tenant current = tenant.tenant();
        return bulkUpdates.accept(current, token.getSubject(), body).map(job -> RestResponse.ResponseBuilder
                .<BulkUpdateAccepted>accepted()
                .location(FyndLinks.absoluteUri(uri.getBaseUri(), FyndLinks.jobPath(current, job.id)))
                .entity(new BulkUpdateAccepted(true, "Bulk update of user attributes queued", "async", job.id, 202))
                .build());
    }

    @POST
    @Path("users")
    @Operation(summary = "Filter users by attributes", description = "`{conditions: [{definition_id, type, value}], "
            + "type: and|or, page_no, page_size}` or the Fynd SDK's `{query: {conditions, type, page, limit, email?, "
            + "phone?, definition_ids?}}`. Operators `eq ne gt lt gte lte cnt nct is nis sw ew btw in nin` as for "
            + "conditional groups; `[]` selects everyone. People in creation order, `item_total` exact; "
            + "`definition_ids` adds each person's values of those definitions (`attributes`).")
    @APIResponse(responseCode = "200", description = "`{items: [UserSummary + first_name, last_name, "
            + "application_id, created_at, updated_at, attributes?], page}`")
    @APIResponse(responseCode = "400", description = "A condition, the combination or a paging value is not valid "
            + "(its path in meta.errors, e.g. `conditions[1].value`)")
    public Uni<FyndItems<FilteredUserView>> filter(JsonNode body) {
        Tenant current = tenant.tenant();
        return filters.filter(current, body).map(page -> {
            Map<Long, List<AttributeRow>> values = page.attributes() == null ? null : page.attributes().stream()
                    .collect(Collectors.groupingBy(AttributeRow::userPk));
            return new FyndItems<>(page.people().stream().map(p -> FilteredUserView.of(p, current.applicationId(),
                            values == null ? null : values.getOrDefault(p.pk(), List.of()))).toList(),
                    FyndPage.of(page.pageNo(), page.pageSize(), page.total()));
        });
    }

    @GET
    @Path("user/{user_id}")
    @Operation(summary = "Get all attributes of a user",
            description = "The user's values in the order they were first set; encrypted values show as "
                    + "\"********\".")
    @APIResponse(responseCode = "200", description = "A page of the user's values",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "page", value = UserAttributeExamples.USER_ATTRIBUTE_PAGE)))
    @APIResponse(responseCode = "400", description = "A filter or paging value that does not parse")
    @APIResponse(responseCode = "404", description = "No such user in this application")
    public Uni<FyndItems<UserAttributeView>> list(
            @PathParam("user_id") String userId,
            @Parameter(description = "Only values of definitions of this type") @QueryParam("type") String type,
            @Parameter(description = "Only values of definitions whose name contains this (case-insensitive)")
            @QueryParam("name") String name,
            @Parameter(description = "Page number from 1 (default 1)") @QueryParam("page_no") String pageNo,
            @Parameter(description = "1–100 (default 10)") @QueryParam("page_size") String pageSize) {
        PageRequest page = QueryFilters.page(pageNo, pageSize);
        if (type != null && !type.isEmpty() && AttributeType.of(type).isEmpty()) {
            throw ApiException.badRequest("type", "type must be one of " + AttributeType.names());
        }
        return attributes.list(tenant.tenant(), userId, type == null || type.isEmpty() ? null : type,
                        QueryFilters.text("name", name, AttributeDefinitionService.MAX_NAME_LENGTH), page)
                .map(p -> new FyndItems<>(p.items().stream().map(UserAttributeView::of)
                        .toList(), FyndPage.of(page.pageNo(), page.pageSize(), p.total())));
    }

    @GET
    @Path("definition/{definition_id}/user/{user_id}")
    @Operation(summary = "Get a user's value of an attribute", description = "Encrypted values are shown in clear.")
    @APIResponse(responseCode = "200", description = "The value",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "value", value = UserAttributeExamples.USER_ATTRIBUTE)))
    @APIResponse(responseCode = "404", description = "No such definition or user, or the user has no value of it")
    public Uni<UserAttributeView> get(@PathParam("definition_id") String definitionId,
                                      @PathParam("user_id") String userId) {
        return attributes.get(tenant.tenant(), definitionId, userId).map(UserAttributeView::of);
    }

    @PUT
    @Path("definition/{definition_id}/user/{user_id}")
    @Operation(summary = "Create or update a user's value of an attribute",
            description = "`{attribute: {value}, customer_overridden?}`. The value is checked against the "
                    + "definition's type and validations and stored normalized (numbers as numbers, dates as UTC "
                    + "ISO-8601, arrays as arrays; encrypted_* types sealed). An unknown user_id creates the user.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(
            name = "value", value = "{\"attribute\":{\"value\":\"gold\"}}")))
    @APIResponse(responseCode = "201", description = "Created the value",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "value", value = UserAttributeExamples.USER_ATTRIBUTE)))
    @APIResponse(responseCode = "200", description = "Replaced the value")
    @APIResponse(responseCode = "400", description = "The value breaks the type or a validation (attribute.value)")
    @APIResponse(responseCode = "404", description = "No such definition in this application")
    public Uni<Response> put(@PathParam("definition_id") String definitionId, @PathParam("user_id") String userId,
                             UserAttributeWrite body) {
        Tenant current = tenant.tenant();
        return attributes.put(current, definitionId, userId, body).map(w -> (w.created()
                ? Response.created(FyndPaths.location("/user_attribute/attribute/{attribute_id}",
                current.companyId(), current.applicationId(), w.shown().attribute().id))
                : Response.ok()).entity(UserAttributeView.of(w.shown())).build());
    }

    @DELETE
    @Path("definition/{definition_id}/user/{user_id}")
    @Operation(summary = "Delete a user's value of an attribute")
    @APIResponse(responseCode = "200", description = "Deleted")
    @APIResponse(responseCode = "404", description = "No such definition or user, or the user has no value of it")
    public Uni<MessageResult> delete(@PathParam("definition_id") String definitionId,
                                     @PathParam("user_id") String userId) {
        return attributes.delete(tenant.tenant(), definitionId, userId)
                .map(v -> MessageResult.of("User attribute deleted successfully"));
    }

    @POST
    @Path("user/{user_id}")
    @Operation(summary = "Create or update several values of a user",
            description = "`{attributes: [{definition_id, value}]}`, at most 100 entries, all or nothing: every "
                    + "value is checked before any is written. An unknown user_id creates the user. Encrypted values "
                    + "show as \"********\" in the answer.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, examples = @ExampleObject(
            name = "values", value = "{\"attributes\":[{\"definition_id\":\"65f1a2b3c4d5e6f708192a3b\","
            + "\"value\":\"gold\"}]}")))
    @APIResponse(responseCode = "200", description = "Every value written",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "values", value = UserAttributeExamples.BULK_ATTRIBUTES)))
    @APIResponse(responseCode = "400", description = "An entry is invalid (attributes[i].definition_id or "
            + "attributes[i].value); nothing was written")
    public Uni<UserAttributeView.Bulk> putAll(@PathParam("user_id") String userId, Values body) {
        return attributes.putAll(tenant.tenant(), userId, body == null ? null : body.attributes())
                .map(list -> new UserAttributeView.Bulk(true, list.stream().map(UserAttributeView::of).toList()));
    }

    @DELETE
    @Path("user/{user_id}")
    @Operation(summary = "Delete several values of a user",
            description = "`{definition_ids: [...]}` (at most 100): deletes the user's values of these definitions.")
    @APIResponse(responseCode = "200", description = "Deleted (the message says how many)")
    @APIResponse(responseCode = "400", description = "definition_ids missing, empty or not 24-hex ids")
    @APIResponse(responseCode = "404", description = "No such user in this application")
    public Uni<MessageResult> deleteAll(@PathParam("user_id") String userId, DefinitionIds body) {
        return attributes.deleteAll(tenant.tenant(), userId, body == null ? null : body.definitionIds())
                .map(n -> MessageResult.of(n + " user attribute" + (n == 1 ? "" : "s") + " deleted successfully"));
    }

    @GET
    @Path("attribute/{attribute_id}")
    @Operation(summary = "Get a user attribute value by its id", description = "Encrypted values are shown in clear.")
    @APIResponse(responseCode = "200", description = "The value",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "value", value = UserAttributeExamples.USER_ATTRIBUTE)))
    @APIResponse(responseCode = "404", description = "No such value in this application")
    public Uni<UserAttributeView> byId(@PathParam("attribute_id") String attributeId) {
        return attributes.byId(tenant.tenant(), attributeId).map(UserAttributeView::of);
    }

    /** Body of the multi-attribute POST; entries are checked by the service so each problem is named. */
    public record Values(JsonNode attributes) {
    }

    /** Body of the multi-attribute DELETE. */
    public record DefinitionIds(@JsonProperty("definition_ids") JsonNode definitionIds) {
    }
}
