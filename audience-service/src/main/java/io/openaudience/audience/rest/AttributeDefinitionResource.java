package io.openaudience.audience.rest;

import io.openaudience.audience.AttributeDefinition;
import io.openaudience.audience.repository.AttributeDefinitionRepository;
import io.openaudience.common.security.TenantContext;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import com.fasterxml.jackson.annotation.JsonProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;

import java.time.OffsetDateTime;
import java.util.List;

/** Fynd user attribute definitions (`…/user_attribute/definition`). */
@Path("/service/platform/user/v1.0/company/{company_id}/application/{application_id}/user_attribute/definition")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class AttributeDefinitionResource {

    private final AttributeDefinitionRepository definitions;
    private final TenantContext tenant;

    public AttributeDefinitionResource(AttributeDefinitionRepository definitions, TenantContext tenant) {
        this.definitions = definitions;
        this.tenant = tenant;
    }

    @GET
    @WithSession
    @Operation(summary = "Get user attribute definitions")
    public Uni<Items<DefinitionView>> list(
            @QueryParam("page_no") @DefaultValue("1") @Min(1) int pageNo,
            @QueryParam("page_size") @DefaultValue("10") @Min(1) @Max(100) int pageSize) {
        var current = tenant.tenant();
        return definitions.page(current, pageNo, pageSize).flatMap(list -> definitions.countFor(current)
                .map(total -> new Items<>(list.stream().map(DefinitionView::of).toList(),
                        FyndPage.of(pageNo, pageSize, total))));
    }

    /** A page of items in Fynd's list shape. */
    public record Items<T>(List<T> items, FyndPage page) {
    }

    /** An attribute definition as Fynd returns it. */
    public record DefinitionView(@JsonProperty("_id") String id, String name, String slug, String description,
                                 String type, @JsonProperty("customer_editable") boolean customerEditable,
                                 boolean encrypted, boolean pinned, @JsonProperty("is_locked") boolean locked,
                                 @JsonProperty("created_at") OffsetDateTime createdAt,
                                 @JsonProperty("modified_at") OffsetDateTime modifiedAt) {
        static DefinitionView of(AttributeDefinition d) {
            return new DefinitionView(d.id, d.name, d.slug, d.description, d.type, d.customerEditable,
                    d.encrypted, d.pinned, d.locked, d.createdAt, d.modifiedAt);
        }
    }
}
