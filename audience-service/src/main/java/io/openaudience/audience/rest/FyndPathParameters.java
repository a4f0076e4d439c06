package io.openaudience.audience.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * Declares the tenant parameters of the Fynd prefix ({@code company_id}, {@code application_id}) on every path under
 * it: the resources take the tenant from {@code TenantContext}, not from method parameters, so the generated
 * document would otherwise name path parameters it never declares.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class FyndPathParameters implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (path.startsWith(FyndPaths.APPLICATION)) {
                declare(item, "company_id", "The company (must equal the token's company_id claim)");
                declare(item, "application_id", "The application (sales channel) of the company");
            }
        });
    }

    private static void declare(PathItem item, String name, String description) {
        if (item.getParameters() != null && item.getParameters().stream().anyMatch(p -> name.equals(p.getName()))) {
            return;
        }
        item.addParameter(OASFactory.createParameter().name(name).in(Parameter.In.PATH).required(true)
                .description(description).schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
    }
}
