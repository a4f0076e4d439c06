package io.openaudience.common.security;

import io.quarkus.security.UnauthorizedException;
import jakarta.enterprise.context.RequestScoped;

/** Holds the tenant the {@link TenancyFilter} established for the current request. */
@RequestScoped
public class TenantContext {

    private Tenant tenant;

    void set(Tenant tenant) {
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
