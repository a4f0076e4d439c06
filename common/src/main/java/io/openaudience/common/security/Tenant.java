package io.openaudience.common.security;

/**
 * The tenant of a request: a subscription and, inside it, the initiative (Shorter Loop) or the
 * company and application (Fynd, GoSquared). Every row carries these keys and every query filters on them.
 */
public record Tenant(long subscriptionId, String initiativeId, String companyId, String applicationId) {

    public static Tenant initiative(long subscriptionId, String initiativeId) {
        return new Tenant(subscriptionId, initiativeId, null, null);
    }

    public static Tenant application(String companyId, String applicationId) {
        return new Tenant(0L, null, companyId, applicationId);
    }
}
