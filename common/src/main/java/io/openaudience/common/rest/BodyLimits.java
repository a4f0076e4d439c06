package io.openaudience.common.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.error.ErrorMappers;
import io.openaudience.common.error.FieldError;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The request body limit of each route, checked on the declared length before any byte of the body is read: JSON and
 * every other body up to {@code openaudience.http.max-json-body-size}, and only the routes matching
 * {@code openaudience.http.large-body-paths} (multipart imports) up to {@code quarkus.http.limits.max-body-size}.
 * A body sent without a length (chunked) is capped by the HTTP layer's limit and, for JSON, by the parser's document
 * length ({@link JsonHardening}). Every refusal, including the HTTP layer's own, is a 413 in the family's envelope.
 */
@Singleton
public class BodyLimits {

    /** Before Quarkus' body handler (order Integer.MIN_VALUE + 1), which reads whole bodies into memory or to disk. */
    static final int ORDER = Integer.MIN_VALUE;

    private final ObjectMapper mapper;
    private final long smallLimit;
    private final long largeLimit;
    private final Pattern largePaths;

    public BodyLimits(ObjectMapper mapper,
                      @ConfigProperty(name = "openaudience.http.max-json-body-size", defaultValue = "10M")
                      MemorySize smallLimit,
                      @ConfigProperty(name = "quarkus.http.limits.max-body-size", defaultValue = "10240K")
                      MemorySize largeLimit,
                      @ConfigProperty(name = "openaudience.http.large-body-paths") Optional<List<String>> largePaths) {
        this.mapper = mapper;
        this.smallLimit = smallLimit.asLongValue();
        this.largeLimit = largeLimit.asLongValue();
        this.largePaths = largePaths.filter(p -> !p.isEmpty())
                .map(p -> Pattern.compile(String.join("|", p)))
                .orElse(null);
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
        router.route().order(ORDER).failureHandler(this::tooLarge);
    }

    /** The largest body accepted on this path. */
    public long limitOf(String path) {
        return largePaths != null && largePaths.matcher(path).matches() ? largeLimit : smallLimit;
    }

    private void check(RoutingContext ctx) {
        String declared = ctx.request().getHeader(HttpHeaders.CONTENT_LENGTH);
        long length;
        try {
            length = declared == null ? -1 : Long.parseLong(declared.trim());
        } catch (NumberFormatException e) {
            length = -1; // left to the HTTP layer, which refuses a malformed length
        }
        long limit = limitOf(ctx.request().path());
        if (length > limit) {
            refuse(ctx, limit);
            return;
        }
        ctx.next();
    }

    /** The HTTP layer's own 413 (a chunked body beyond its limit) gets the envelope too. */
    private void tooLarge(RoutingContext ctx) {
        if (ctx.statusCode() != 413 || ctx.response().headWritten()) {
            ctx.next();
            return;
        }
        refuse(ctx, limitOf(ctx.request().path()));
    }

    private void refuse(RoutingContext ctx, long limit) {
        // The rest of the body is not read: the connection closes once the answer is written (as Quarkus' own does).
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(done -> ctx.request().connection().close());
        String message = "request body exceeds the limit of " + limit + " bytes for this route";
        ErrorMappers.respond(ctx, mapper, 413, "payload_too_large", message, List.of(FieldError.of("body", message)));
    }
}
