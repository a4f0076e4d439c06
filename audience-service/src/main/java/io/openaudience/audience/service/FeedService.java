package io.openaudience.audience.service;

import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.audience.filter.Filter;
import io.openaudience.audience.repository.FeedRepository;
import io.openaudience.audience.repository.FeedRepository.PageviewRow;
import io.openaudience.audience.repository.FilterContextRepository;
import io.openaudience.common.audience.AttributeRules;
import io.openaudience.common.error.ApiException;
import io.openaudience.common.security.Tenant;
import io.openaudience.common.text.CsvCell;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.core.UriBuilder;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/**
 * A smart group's feed (API.md §3): a signed link, valid {@code audience.gosquared.feed.ttl} (15 minutes), that
 * downloads without a key the pageview events of the group's members in a range of at most 60 days as CSV. Members are
 * the people passing the group's filters when the link is downloaded.
 */
@ApplicationScoped
public class FeedService {

    public static final String HEADER = "timestamp,person_id,email,event,href\r\n";
    private static final int FETCH = 1000;

    private final SmartGroupService groups;
    private final FilterContextRepository contexts;
    private final FeedRepository events;
    private final FeedLinks links;
    private final GoSquaredConfig config;

    public FeedService(SmartGroupService groups, FilterContextRepository contexts, FeedRepository events,
                       FeedLinks links, GoSquaredConfig config) {
        this.groups = groups;
        this.contexts = contexts;
        this.events = events;
        this.links = links;
        this.config = config;
    }

    /** {@code {link, expires}}: the absolute download URL and when it stops working (ISO-8601). */
    public record FeedLink(String link, String expires) {
    }

    /** The signed link to the group's pageviews in {@code [from, to)}; 400 for a bad or too long range. */
    @WithSession
    public Uni<FeedLink> link(Tenant tenant, String slug, String from, String to, URI base) {
        Instant now = Instant.now();
        Instant end = to == null || to.isBlank() ? now : instant(to, "to", true);
        Instant start = from == null || from.isBlank() ? end.minus(config.feed().maxRange()) : instant(from, "from",
                false);
        if (!start.isBefore(end)) {
            throw ApiException.badRequest("from", "from must be before to");
        }
        if (Duration.between(start, end).compareTo(config.feed().maxRange()) > 0) {
            throw ApiException.badRequest("to", "from..to spans more than " + config.feed().maxRange().toDays()
                    + " days; split it into several requests");
        }
        long expires = now.plus(config.feed().ttl()).getEpochSecond();
        return groups.group(tenant, slug).map(g -> {
            URI link = UriBuilder.fromUri(base).path("/people/v1/smartgroups/{group}/feed/download")
                    .queryParam("company_id", tenant.companyId())
                    .queryParam("application_id", tenant.applicationId())
                    .queryParam("from", start.toString())
                    .queryParam("to", end.toString())
                    .queryParam("expires", expires)
                    .queryParam("signature", links.sign(tenant, g.slug, start, end, expires))
                    .build(g.slug);
            return new FeedLink(link.toString(), Instant.ofEpochSecond(expires).toString());
        });
    }

    /**
     * The CSV a link downloads, after checking its signature (403 when any part was changed or is missing) and its
     * expiry (403 once passed): {@code timestamp,person_id,email,event,href}, oldest first, streamed.
     */
    @WithSession
    public Uni<Multi<String>> download(String slug, String company, String application, String from, String to,
                                       String expires, String signature) {
        Instant now = Instant.now();
        Instant start = parsed(from);
        Instant end = parsed(to);
        Long expiry = epoch(expires);
        if (company == null || application == null || start == null || end == null || expiry == null
                || !links.verify(Tenant.application(company, application), slug, start, end, expiry, signature)) {
            throw ApiException.forbidden("the download link is not valid");
        }
        if (now.getEpochSecond() >= expiry) {
            throw ApiException.forbidden("the download link expired at " + Instant.ofEpochSecond(expiry)
                    + "; ask for a new one");
        }
        Tenant tenant = Tenant.application(company, application);
        return groups.group(tenant, slug).chain(g -> contexts.context(tenant, now).map(context -> {
            Filter members = SmartGroupService.parse(g.filters, context);
            return Multi.createBy().concatenating().streams(Multi.createFrom().item(HEADER),
                    events.pageviews(members, context, start, end, FETCH).map(FeedService::line));
        }));
    }

    static String line(PageviewRow row) {
        return CsvCell.of(MomentFormat.ISO_MILLIS.format(row.occurredAt())) + "," + CsvCell.of(row.userId()) + ","
                + CsvCell.of(Persons.primaryEmail(row.emails())) + "," + FeedRepository.PAGEVIEW + ","
                + CsvCell.of(row.href()) + "\r\n";
    }

    /** An ISO-8601 date or date-time; a date alone as {@code to} means the end of that day. */
    private static Instant instant(String text, String name, boolean endOfDay) {
        Instant at = AttributeRules.date(text.strip());
        if (at == null) {
            throw ApiException.badRequest(name, name + " must be an ISO-8601 date or date-time such as "
                    + "2026-12-01T10:00:00Z");
        }
        return endOfDay && text.strip().length() == 10 ? at.plus(1, ChronoUnit.DAYS) : at;
    }

    private static Instant parsed(String text) {
        try {
            return text == null ? null : Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Long epoch(String text) {
        try {
            return text == null ? null : Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
