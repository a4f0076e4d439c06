package io.openaudience.common.security;

/** Names of the JWT claims the platform reads; `deploy/local/token` and the tests mint the same ones. */
public final class Claims {

    /** Shorter Loop: the subscription (account) every row of `/api/v2` is scoped by. */
    public static final String SUBSCRIPTION_ID = "subscriptionId";
    /** Shorter Loop: the initiative keys (`initiativeId` header values) the token may use. */
    public static final String INITIATIVES = "initiatives";
    /** Fynd: the company the token belongs to; must equal `{company_id}` in the path. */
    public static final String COMPANY_ID = "company_id";
    /** Fynd: the applications the token may use; when present must include `{application_id}`. */
    public static final String APPLICATIONS = "applications";

    private Claims() {
    }
}
