package io.openaudience.audience.rest;

import io.openaudience.common.security.Tenant;

import java.net.URI;

/** Paths of the Fynd resources this package links to (a job, its error report), relative and absolute. */
final class FyndLinks {

    private FyndLinks() {
    }

    /** {@code /service/platform/user/v1.0/company/{c}/application/{a}} of the tenant. */
    static String prefix(Tenant tenant) {
        return "/service/platform/user/v1.0/company/" + tenant.companyId() + "/application/"
                + tenant.applicationId();
    }

    static String jobPath(Tenant tenant, String jobId) {
        return prefix(tenant) + "/users/jobs/" + jobId;
    }

    static String errorsPath(Tenant tenant, String jobId) {
        return jobPath(tenant, jobId) + "/errors";
    }

    static String groupPath(Tenant tenant, String groupId) {
        return prefix(tenant) + "/user_group/" + groupId;
    }

    /** The path made absolute against the request's base URI (scheme, host and port the client used). */
    static String absolute(URI base, String path) {
        return base.resolve(path.substring(1)).toString();
    }

    static URI absoluteUri(URI base, String path) {
        return base.resolve(path.substring(1));
    }
}
