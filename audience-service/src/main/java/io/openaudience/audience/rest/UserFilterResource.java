package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.repository.UserFilterRepository.AttributeRow;
import io.openaudience.audience.service.UserFilterService;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Row 26: the people whose attribute values meet Fynd conditions ({@code POST …/user_attribute/users}). */
@Path(FyndPaths.APPLICATION + "/user_attribute/users")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
@Tag(name = "User attributes")
@APIResponse(responseCode = "401", description = "Missing, expired or invalid bearer token")
@APIResponse(responseCode = "403", description = "The token may not use this company or application")
public class UserFilterResource {

    private final UserFilterService filters;
    private final TenantContext tenant;

    public UserFilterResource(UserFilterService filters, TenantContext tenant) {
        this.filters = filters;
        this.tenant = tenant;
    }

    @POST
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
}
