package io.openaudience.common.security;

import io.openaudience.common.error.ApiException;
import io.quarkus.security.UnauthorizedException;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ResourceInfo;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import java.util.Collection;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Authenticates every tenant-scoped request and checks its tenant against the token (DESIGN.md "Tenancy"):
 * `/api/v2/**` needs the `initiativeId` header (missing → 400) among the token's initiatives (else 403);
 * Fynd paths need `company_id` (and, when the token lists them, `application_id`) to match (else 403).
 * No token, or a bad one → 401.
 */
public class TenancyFilter {

    public static final String INITIATIVE_HEADER = "initiativeId";
    private static final Pattern FYND = Pattern.compile(
            "^/service/platform/user/v1\\.0/company/([^/]+)/application/([^/]+)(/.*)?$");

    @Inject
    CurrentIdentityAssociation identities;

    @Inject
    TenantContext context;

    @ServerRequestFilter
    public Uni<Void> check(ContainerRequestContext request, ResourceInfo resource) {
        String path = request.getUriInfo().getPath();
        boolean shorterLoop = path.startsWith("/api/v2/");
        Matcher fynd = FYND.matcher(path);
        boolean company = !shorterLoop && fynd.matches();
        if ((!shorterLoop && !company) || isPublic(resource)) {
            return Uni.createFrom().voidItem();
        }
        return identities.getDeferredIdentity().invoke(identity -> {
            JsonWebToken jwt = token(identity);
            if (shorterLoop) {
                context.set(initiativeTenant(jwt, request.getHeaderString(INITIATIVE_HEADER)));
            } else {
                context.set(applicationTenant(jwt, fynd.group(1), fynd.group(2)));
            }
        }).replaceWithVoid();
    }

    static Tenant initiativeTenant(JsonWebToken jwt, String initiative) {
        if (initiative == null || initiative.isBlank()) {
            throw ApiException.badRequest(INITIATIVE_HEADER, "the initiativeId header is required");
        }
        Object subscription = jwt.getClaim(Claims.SUBSCRIPTION_ID);
        long subscriptionId;
        try {
            subscriptionId = Long.parseLong(String.valueOf(unwrap(subscription)));
        } catch (NumberFormatException e) {
            throw ApiException.forbidden("the token carries no subscription");
        }
        if (!strings(jwt.getClaim(Claims.INITIATIVES)).contains(initiative.trim())) {
            throw ApiException.forbidden("the token may not use initiative " + initiative.trim());
        }
        return Tenant.initiative(subscriptionId, initiative.trim());
    }

    static Tenant applicationTenant(JsonWebToken jwt, String companyId, String applicationId) {
        if (!companyId.equals(company(jwt))) {
            throw ApiException.forbidden("the token may not use company " + companyId);
        }
        List<String> applications = applications(jwt);
        if (applications != null && !applications.contains(applicationId)) {
            throw ApiException.forbidden("the token may not use application " + applicationId);
        }
        return Tenant.application(companyId, applicationId);
    }

    /** The token's {@code company_id} claim as text, or null. */
    public static String company(JsonWebToken jwt) {
        Object company = unwrap(jwt.getClaim(Claims.COMPANY_ID));
        return company == null ? null : String.valueOf(company);
    }

    /** The applications the token's {@code applications} claim lists, or null when it has no such claim (all). */
    public static List<String> applications(JsonWebToken jwt) {
        Object applications = jwt.getClaim(Claims.APPLICATIONS);
        return applications == null ? null : strings(applications);
    }

    /** The request's bearer token; 401 when there is none or it is not a JWT. */
    public static JsonWebToken token(SecurityIdentity identity) {
        if (identity == null || identity.isAnonymous() || !(identity.getPrincipal() instanceof JsonWebToken jwt)) {
            throw new UnauthorizedException();
        }
        return jwt;
    }

    private static boolean isPublic(ResourceInfo resource) {
        return resource != null && resource.getResourceMethod() != null
                && (resource.getResourceMethod().isAnnotationPresent(PublicEndpoint.class)
                || resource.getResourceClass().isAnnotationPresent(PublicEndpoint.class));
    }

    /** Claims arrive as Java values or as JSON-P values depending on how they were read. */
    private static Object unwrap(Object claim) {
        if (claim instanceof jakarta.json.JsonString s) {
            return s.getString();
        }
        if (claim instanceof jakarta.json.JsonNumber n) {
            return n.longValue();
        }
        return claim;
    }

    private static List<String> strings(Object claim) {
        if (claim instanceof Collection<?> values) {
            return values.stream().map(v -> String.valueOf(unwrap(v))).toList();
        }
        if (claim instanceof jakarta.json.JsonArray array) {
            return array.stream().map(v -> String.valueOf(unwrap(v))).toList();
        }
        if (claim instanceof String s) {
            return List.of(s.split(","));
        }
        return List.of();
    }
}
