package io.openaudience.audience.rest;

import jakarta.ws.rs.core.UriBuilder;

import java.net.URI;

/** The path prefix of the Fynd platform user API; every resource of this package lives under it. */
final class FyndPaths {

    static final String APPLICATION = "/service/platform/user/v1.0/company/{company_id}/application/{application_id}";

    private FyndPaths() {
    }

    /** A Location under the prefix: {@code values} fill company_id, application_id, then the rest of the template. */
    static URI location(String template, Object... values) {
        return UriBuilder.fromPath(APPLICATION + template).build(values);
    }
}
