package io.openaudience.audience.rest;

import io.openaudience.audience.AttributeDefinitionChange;
import io.openaudience.audience.AttributeDefinitionFilter;
import io.openaudience.audience.PageRequest;
import io.openaudience.audience.service.AttributeDefinitionService;
import io.openaudience.common.audience.AttributeType;
import io.openaudience.common.audience.ObjectIds;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
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
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.ArrayList;
import java.util.List;

/** Fynd user attribute definitions (rows 1–5, `…/user_attribute/definition`). */
@Path(FyndPaths.APPLICATION + "/user_attribute/definition")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "User attribute definitions")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class AttributeDefinitionResource {

    static final int MAX_EXCLUDED_IDS = 100;

    private final AttributeDefinitionService definitions;
    private final TenantContext tenant;

    public AttributeDefinitionResource(AttributeDefinitionService definitions, TenantContext tenant) {
        this.definitions = definitions;
        this.tenant = tenant;
    }

    @GET
    @Operation(summary = "Get user attribute definitions",
            description = "The application's definitions in creation order, narrowed by every filter given.")
    @APIResponse(responseCode = "200", description = "A page of definitions",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "page", value = UserAttributeExamples.DEFINITION_PAGE)))
    @APIResponse(responseCode = "400", description = "A filter or paging value that does not parse; names the "
            + "query parameter")
    public Uni<FyndItems<AttributeDefinitionView>> list(
            @Parameter(description = "Case-insensitive part of the name") @QueryParam("name") String name,
            @Parameter(description = "Exact slug") @QueryParam("slug") String slug,
            @Parameter(description = "Exact type, e.g. string or encrypted_number") @QueryParam("type") String type,
            @Parameter(description = "true/false") @QueryParam("customer_editable") String customerEditable,
            @Parameter(description = "true/false") @QueryParam("encrypted") String encrypted,
            @Parameter(description = "true/false") @QueryParam("pinned") String pinned,
            @Parameter(description = "Exact pin order") @QueryParam("pin_order") String pinOrder,
            @Parameter(description = "true/false") @QueryParam("is_locked") String locked,
            @Parameter(description = "Comma-separated definition ids to leave out")
            @QueryParam("excluding_ids") String excludingIds,
            @Parameter(description = "Page number from 1 (default 1)") @QueryParam("page_no") String pageNo,
            @Parameter(description = "1–100 (default 10)") @QueryParam("page_size") String pageSize) {
        PageRequest page = QueryFilters.page(pageNo, pageSize);
        AttributeDefinitionFilter filter = new AttributeDefinitionFilter(
                QueryFilters.text("name", name, AttributeDefinitionService.MAX_NAME_LENGTH),
                QueryFilters.text("slug", slug, 64),
                type(type),
                QueryFilters.bool("customer_editable", customerEditable),
                QueryFilters.bool("encrypted", encrypted),
                QueryFilters.bool("pinned", pinned),
                QueryFilters.integer("pin_order", pinOrder),
                QueryFilters.bool("is_locked", locked),
                ids(excludingIds));
        return definitions.list(tenant.tenant(), filter, page)
                .map(p -> new FyndItems<>(p.items().stream().map(AttributeDefinitionView::of).toList(),
                        FyndPage.of(page.pageNo(), page.pageSize(), p.total())));
    }

    @POST
    @Operation(summary = "Create a user attribute definition",
            description = "Required name, slug, description, type. The slug matches [a-z][a-z0-9_]{0,63}, is not "
                    + "one of the group CSV columns (user_id, email, phone_number, country_code, action) and is unique "
                    + "in the application. `encrypted: true` stores the encrypted_* variant of a string or number "
                    + "type; validations and default_value are checked against the type.")
    @APIResponse(responseCode = "201", description = "Created; Location points to the definition",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "created", value = UserAttributeExamples.DEFINITION)))
    @APIResponse(responseCode = "400", description = "A missing or invalid field, named in meta.errors",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "invalid", value = UserAttributeExamples.BAD_REGEX)))
    @APIResponse(responseCode = "409", description = "The slug is taken in this application")
    public Uni<Response> create(AttributeDefinitionChange body) {
        Tenant current = tenant.tenant();
        return definitions.create(current, body).map(d -> Response.created(FyndPaths.location(
                        "/user_attribute/definition/{id}", current.companyId(), current.applicationId(), d.id))
                .entity(AttributeDefinitionView.of(d)).build());
    }

    @GET
    @Path("{definition_id}")
    @Operation(summary = "Get a user attribute definition")
    @APIResponse(responseCode = "200", description = "The definition",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "definition", value = UserAttributeExamples.DEFINITION)))
    @APIResponse(responseCode = "404", description = "No such definition in this application")
    public Uni<AttributeDefinitionView> get(@PathParam("definition_id") String id) {
        return definitions.get(tenant.tenant(), id).map(AttributeDefinitionView::of);
    }

    @PUT
    @Path("{definition_id}")
    @Operation(summary = "Update a user attribute definition",
            description = "Changes name, description, type, customer_editable, validations, pinned, pin_order, "
                    + "default_value (null clears it) and encrypted; absent fields keep their value. The slug cannot "
                    + "change; the type cannot change while users have values of the definition.")
    @APIResponse(responseCode = "200", description = "The updated definition",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "definition", value = UserAttributeExamples.DEFINITION)))
    @APIResponse(responseCode = "400", description = "An invalid field, a different slug, or a type change while "
            + "values exist")
    @APIResponse(responseCode = "403", description = "The definition is locked (is_locked)")
    @APIResponse(responseCode = "404", description = "No such definition in this application")
    public Uni<AttributeDefinitionView> update(@PathParam("definition_id") String id,
                                               AttributeDefinitionChange body) {
        return definitions.update(tenant.tenant(), id, body).map(AttributeDefinitionView::of);
    }

    @DELETE
    @Path("{definition_id}")
    @Operation(summary = "Delete a user attribute definition", description = "Deletes it and every user's value of it.")
    @APIResponse(responseCode = "200", description = "Deleted",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    examples = @ExampleObject(name = "deleted", value = UserAttributeExamples.DELETED)))
    @APIResponse(responseCode = "403", description = "The definition is locked (is_locked)")
    @APIResponse(responseCode = "404", description = "No such definition in this application")
    public Uni<MessageResult> delete(@PathParam("definition_id") String id) {
        return definitions.delete(tenant.tenant(), id)
                .map(v -> MessageResult.of("User attribute definition deleted successfully"));
    }

    private static String type(String raw) {
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (AttributeType.of(raw).isEmpty()) {
            throw ApiException.badRequest("type", "type must be one of " + AttributeType.names());
        }
        return raw;
    }

    private static List<String> ids(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        List<String> ids = new ArrayList<>();
        for (String part : raw.split(",")) {
            String id = part.strip();
            if (id.isEmpty()) {
                continue;
            }
            if (!ObjectIds.isObjectId(id)) {
                throw ApiException.badRequest("excluding_ids", "excluding_ids must be comma-separated 24-hex ids");
            }
            ids.add(id);
        }
        if (ids.size() > MAX_EXCLUDED_IDS) {
            throw ApiException.badRequest("excluding_ids", "excluding_ids may name at most " + MAX_EXCLUDED_IDS
                    + " ids");
        }
        return ids;
    }
}
