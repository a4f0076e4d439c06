package io.openaudience.audience.rest;

import io.openaudience.audience.service.ApiKeyService;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.PublicEndpoint;
import io.openaudience.common.security.TenancyFilter;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.security.TenantContext;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.smallrye.mutiny.Uni;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import jakarta.ws.rs.core.HttpHeaders;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.List;

/**
 * Authenticates {@code /people/v1/**} and {@code /tracking/v1/**} (API.md §3) and sets the request's tenant:
 * <ul>
 *   <li>{@code ?api_key=…&site_token=…}: an active key of the application the site token names (one index probe);
 *   <li>else {@code Authorization: Bearer <JWT>}: the token's {@code company_id} and the application named by
 *       {@code ?site_token=} (one of the company's sites, and in the token's {@code applications} when it lists
 *       some); without a site token, the one application the token lists.
 * </ul>
 * Anything else is 401 "Your API Key is not authorised for this endpoint" in GoSquared's envelope. Methods marked
 * {@link PublicEndpoint} (the signed feed download) are not checked here.
 */
public class GoSquaredAuthFilter {

    public static final String API_KEY = "api_key";
    public static final String SITE_TOKEN = "site_token";
    private static final String BEARER = "bearer ";

    private final ApiKeyService keys;
    private final CurrentIdentityAssociation identities;
    private final TenantContext context;

    public GoSquaredAuthFilter(ApiKeyService keys, CurrentIdentityAssociation identities, TenantContext context) {
        this.keys = keys;
        this.identities = identities;
        this.context = context;
    }

    /** Whether the path belongs to the GoSquared family this filter guards. */
    static boolean guards(String path) {
        return path.equals("/people/v1") || path.startsWith("/people/v1/") || path.equals("/tracking/v1")
                || path.startsWith("/tracking/v1/");
    }

    @ServerRequestFilter
    public Uni<Void> check(ContainerRequestContext request, ResourceInfo resource) {
        if (!guards(request.getUriInfo().getPath()) || isPublic(resource)) {
            return Uni.createFrom().voidItem();
        }
        var query = request.getUriInfo().getQueryParameters();
        String apiKey = query.getFirst(API_KEY);
        String siteToken = query.getFirst(SITE_TOKEN);
        if (apiKey != null && !apiKey.isEmpty()) {
            return keys.byKey(apiKey, siteToken).invoke(this::use).replaceWithVoid();
        }
        String authorization = request.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Uni.createFrom().failure(new UnauthorizedException());
        }
        return identities.getDeferredIdentity()
                .map(TenancyFilter::token)
                .chain(jwt -> application(jwt, siteToken))
                .invoke(this::use)
                .replaceWithVoid();
    }

    private void use(Tenant tenant) {
        if (tenant == null) {
            throw new UnauthorizedException();
        }
        context.set(tenant);
    }

    /** The application a bearer token uses on these paths; 401 for an unknown site, 403 for one it may not use. */
    private Uni<Tenant> application(JsonWebToken jwt, String siteToken) {
        String company = TenancyFilter.company(jwt);
        if (company == null) {
            return Uni.createFrom().failure(ApiException.forbidden("the token carries no company_id"));
        }
        List<String> applications = TenancyFilter.applications(jwt);
        if (siteToken == null || siteToken.isEmpty()) {
            if (applications == null || applications.size() != 1) {
                return Uni.createFrom().failure(ApiException.badRequest(SITE_TOKEN, "site_token is required with a "
                        + "bearer token that does not name exactly one application"));
            }
            return Uni.createFrom().item(Tenant.application(company, applications.get(0)));
        }
        return keys.bySite(siteToken).map(site -> {
            if (site == null) {
                return null;
            }
            if (!site.companyId().equals(company)
                    || applications != null && !applications.contains(site.applicationId())) {
                throw ApiException.forbidden("the token may not use this site");
            }
            return site;
        });
    }

    private static boolean isPublic(ResourceInfo resource) {
        return resource != null && resource.getResourceMethod() != null
                && (resource.getResourceMethod().isAnnotationPresent(PublicEndpoint.class)
                || resource.getResourceClass().isAnnotationPresent(PublicEndpoint.class));
    }
}
