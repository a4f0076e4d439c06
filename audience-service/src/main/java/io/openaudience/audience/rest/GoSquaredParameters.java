package io.openaudience.audience.rest;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.media.Schema;
import org.eclipse.microprofile.openapi.models.parameters.Parameter;

/**
 * Declares GoSquared's credentials ({@code api_key}, {@code site_token} query parameters) on every operation of
 * {@code /people/v1} and {@code /tracking/v1} but the signed feed download: {@link GoSquaredAuthFilter} reads them,
 * so no resource method names them.
 */
@OpenApiFilter(OpenApiFilter.RunStage.BUILD)
public class GoSquaredParameters implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI openAPI) {
        if (openAPI.getPaths() == null || openAPI.getPaths().getPathItems() == null) {
            return;
        }
        openAPI.getPaths().getPathItems().forEach((path, item) -> {
            if (!GoSquaredAuthFilter.guards(path) || path.endsWith("/feed/download")) {
                return;
            }
            item.getOperations().values().forEach(operation -> {
                declare(operation, GoSquaredAuthFilter.API_KEY, "An API key of the application (issued under "
                        + "…/api_keys); or send a bearer token instead");
                declare(operation, GoSquaredAuthFilter.SITE_TOKEN, "The application's site token; with a bearer "
                        + "token it picks the application (optional when the token names exactly one)");
            });
        });
    }

    private static void declare(Operation operation, String name, String description) {
        if (operation.getParameters() != null
                && operation.getParameters().stream().anyMatch(p -> name.equals(p.getName()))) {
            return;
        }
        operation.addParameter(OASFactory.createParameter().name(name).in(Parameter.In.QUERY).required(false)
                .description(description).schema(OASFactory.createSchema().addType(Schema.SchemaType.STRING)));
    }
}
