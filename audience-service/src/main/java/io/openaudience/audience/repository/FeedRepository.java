package io.openaudience.audience.repository;

import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.filter.FilterContext;
import io.openaudience.audience.filter.FilterSql;
import io.openaudience.audience.filter.Params;
import io.openaudience.common.db.ReadOnlyCursor;
import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/**
 * The pageview events of a smart group's members, in plain SQL on the reactive pool: the members are a filter compiled
 * by the audience-filter engine, and the export streams through a server-side cursor.
 */
@ApplicationScoped
public class FeedRepository {

    /** The name of the events a feed exports. */
    public static final String PAGEVIEW = "pageview";

    private final Pool pool;

    public FeedRepository(Pool pool) {
        this.pool = pool;
    }

    /** One exported event: when, whose (user id and stored emails), which page. */
    public record PageviewRow(OffsetDateTime occurredAt, String userId, String emails, String href) {
    }

    /**
     * Every pageview with an href of the people passing {@code filter} with {@code from <= time < to}, oldest first,
     * {@code fetch} rows per round trip; the connection is returned when the stream ends, fails or is cancelled.
     */
    public Multi<PageviewRow> pageviews(Filter filter, FilterContext context, Instant from, Instant to, int fetch) {
        Params params = Params.numbered(5);
        String members = FilterSql.where(filter, context, params);
        // The tenant and the name lead event_tenant_name_idx (company, application, name, occurred_at).
        String sql = "SELECT e.occurred_at, u.user_id, u.emails::text AS emails, e.href FROM audience.event e "
                + "JOIN audience.app_user u ON u.id = e.user_pk WHERE e.company_id = $1 AND e.application_id = $2 "
                + "AND e.name = '" + PAGEVIEW + "' AND e.occurred_at >= $3 AND e.occurred_at < $4 "
                + "AND e.href IS NOT NULL AND " + members + " ORDER BY e.occurred_at, e.user_pk";
        Tuple args = Tuple.of(context.companyId(), context.applicationId(), from.atOffset(ZoneOffset.UTC),
                to.atOffset(ZoneOffset.UTC));
        params.values().forEach(args::addValue);
        return ReadOnlyCursor.stream(pool, sql, args, fetch, r -> new PageviewRow(r.getOffsetDateTime("occurred_at"),
                r.getString("user_id"), r.getString("emails"), r.getString("href")));
    }
}
