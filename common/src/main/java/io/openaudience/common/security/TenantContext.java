package io.openaudience.common.security;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;

/** Holds the tenant the request's authentication filter established for the current request. */
@RequestScoped
public class TenantContext {

    private Tenant tenant;

    /**
     * Sets the request's checked tenant; called only by the filters that authenticate a family's requests (this
     * package's {@link TenancyFilter}, audience-service's GoSquared key filter).
     */
    public void set(Tenant tenant) {
        this.tenant = tenant;
    }

    /** The checked tenant; a resource reached without one is a configuration error, answered 401. */
    public Tenant tenant() {
        if (tenant == null) {
            throw new UnauthorizedException();
        }
        return tenant;
    }
}
