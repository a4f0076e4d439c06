package io.openaudience.audience.rest;

import com.fasterxml.jackson.databind.JsonNode;
import io.openaudience.audience.service.PeopleService;
import io.openaudience.common.error.ApiException;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What the GoSquared people lists share: {@code presenter} (plain JSON or CSV) routes the request to the JSON or the
 * streaming CSV method of the same path by setting {@code Accept} before matching; the list envelope; the attachment
 * header.
 */
public class PeopleRequests {

    private static final Pattern PEOPLE_LIST = Pattern.compile("^/people/v1/(people|smartgroups/[^/]+/people)/?$");

    /** Before matching: {@code presenter=csv} asks for {@code text/csv}, anything else for JSON (checked there). */
    @ServerRequestFilter(preMatching = true)
    public void presenter(ContainerRequestContext request) {
        if (!PEOPLE_LIST.matcher(request.getUriInfo().getPath()).matches()) {
            return;
        }
        String presenter = request.getUriInfo().getQueryParameters().getFirst("presenter");
        request.getHeaders().putSingle(HttpHeaders.ACCEPT, "csv".equals(presenter) ? GoSquaredPaths.CSV
                : MediaType.APPLICATION_JSON);
    }

    /** A JSON list was asked for: {@code presenter} must be absent or {@code plain} (csv went to the CSV method). */
    static void plain(String presenter) {
        if (presenter != null && !presenter.isBlank() && !presenter.equals("plain")) {
            throw ApiException.badRequest("presenter", "presenter must be plain or csv");
        }
    }

    /** GoSquared's list envelope {@code {list, cardinality}}. */
    static SmartGroupView.Listing<JsonNode> listing(PeopleService.PeoplePage page) {
        return new SmartGroupView.Listing<>(List.copyOf(page.list()), page.cardinality());
    }

    /** {@code Content-Disposition} of a CSV download. */
    static Map<String, List<String>> attachment(String name) {
        return Map.of("Content-Disposition", List.of("attachment; filename=\"" + name.replaceAll("[^A-Za-z0-9._-]",
                "_") + "\""));
    }
}
