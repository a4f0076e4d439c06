package io.openaudience.common.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.error.ErrorMappers;
import io.openaudience.common.error.FieldError;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.vertx.http.runtime.VertxHttpRecorder;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
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
 * length ({@link JsonHardening}), which stops reading there: the 413 is answered and the connection closed while the
 * client is still sending. Every refusal, including the HTTP layer's own, is a 413 in the family's envelope.
 */
@Singleton
public class BodyLimits {

    /** Before Quarkus' body handler (order Integer.MIN_VALUE + 1), which reads whole bodies into memory or to disk. */
    static final int ORDER = Integer.MIN_VALUE;
    /** Right after Quarkus' limit handler (RouteConstants.ROUTE_ORDER_UPLOAD_LIMIT, -2), before any route reads. */
    static final int STREAM_ORDER = -1;
    /** What the stream may read past the JSON limit, so that the parser, which counts what it consumed, stops first. */
    static final long STREAM_MARGIN = 1024 * 1024;

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
        router.route().order(STREAM_ORDER).handler(this::capStream);
    }

    /**
     * A body of unknown length is read through a stream that stops at the limit Quarkus' own handler gave it (the
     * service's {@code quarkus.http.limits.max-body-size}), answering a bare 413 and failing the request (an ERROR).
     * On a JSON route that limit becomes just above the JSON limit: the parser, which counts only what it consumed,
     * refuses the body first, in the envelope (JsonHardening), and a body no parser reads still stops near the JSON
     * limit, not at the HTTP one (320M in segments-service).
     */
    private void capStream(RoutingContext ctx) {
        if (ctx.get(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY) != null && limitOf(ctx.request().path()) == smallLimit) {
            ctx.put(VertxHttpRecorder.MAX_REQUEST_SIZE_KEY, smallLimit + STREAM_MARGIN);
        }
        ctx.next();
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

    /**
     * After a request whose body was not read to its end is answered (a JSON body refused part-way, see
     * {@link JsonHardening}), its HTTP/1.x connection closes: keeping it alive would mean reading the rest first, up to
     * the HTTP layer's limit. An HTTP/2 stream needs nothing: its flow control stops the sender.
     */
    public static void closeUnreadBody(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.isEnded() || request.version() == HttpVersion.HTTP_2) {
            return;
        }
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.addEndHandler(done -> request.connection().close());
    }

    private void refuse(RoutingContext ctx, long limit) {
        // The rest of the body is not read: the connection closes once the answer is written (as Quarkus' own does).
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        ctx.response().endHandler(done -> ctx.request().connection().close());
        String message = "request body exceeds the limit of " + limit + " bytes for this route";
        ErrorMappers.respond(ctx, mapper, 413, "payload_too_large", message, List.of(FieldError.of("body", message)));
    }
}
