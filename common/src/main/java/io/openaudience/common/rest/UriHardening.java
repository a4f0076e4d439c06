package io.openaudience.common.rest;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.openaudience.common.error.ErrorMappers;
import io.openaudience.common.error.FieldError;
import io.openaudience.common.text.TextRules;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * What every service accepts in a request URI, checked before routing: well-formed percent-escapes, valid UTF-8, no
 * NUL or other control character in the path or in a query parameter (tab, CR and LF are left to the resources), and
 * the URI syntax {@code java.net.URI} accepts. Without it a NUL reaches SQL as a 500 (PostgreSQL refuses it in text).
 * Quarkus' own check of that syntax (an empty 400 before any route) is turned off by {@code ServiceMain}, so this one
 * is the only one. A refusal is a 400 in the request's API family envelope naming the part: {@code path}, the query
 * parameter, or {@code query}.
 */
@Singleton
public class UriHardening {

    /** After Quarkus' body handler (order Integer.MIN_VALUE + 6), before every other route: none has decoded the URI. */
    static final int ORDER = -1000;

    private final ObjectMapper mapper;

    public UriHardening(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    void install(@Observes Router router) {
        router.route().order(ORDER).handler(this::check);
    }

    private void check(RoutingContext ctx) {
        String uri = ctx.request().uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        FieldError problem = problem(path, q < 0 ? null : uri.substring(q + 1));
        if (problem == null) {
            ctx.next();
            return;
        }
        String message = problem.field() + ": " + problem.message();
        ErrorMappers.respond(ctx, mapper, 400, "invalid_request", message, List.of(problem));
    }

    /** The first problem of a raw (still percent-encoded) path and query, or null when both are acceptable. */
    public static FieldError problem(String rawPath, String rawQuery) {
        String why = pathProblem(rawPath);
        if (why != null) {
            return FieldError.of("path", why);
        }
        if (rawQuery == null || rawQuery.isEmpty()) {
            return syntaxProblem(rawPath, rawQuery);
        }
        for (String pair : rawQuery.split("&", -1)) {
            int eq = pair.indexOf('=');
            String rawName = eq < 0 ? pair : pair.substring(0, eq);
            String name;
            try {
                name = decode(rawName, true);
            } catch (IllegalArgumentException e) {
                return FieldError.of("query", "a parameter name " + e.getMessage());
            }
            String nameProblem = TextRules.singleLineProblem(name, 256);
            if (nameProblem != null) {
                return FieldError.of("query", "a parameter name " + nameProblem);
            }
            if (eq >= 0) {
                String value;
                try {
                    value = decode(pair.substring(eq + 1), true);
                } catch (IllegalArgumentException e) {
                    return FieldError.of(name, e.getMessage());
                }
                String valueProblem = TextRules.problem(value, Integer.MAX_VALUE);
                if (valueProblem != null) {
                    return FieldError.of(name, valueProblem);
                }
            }
        }
        return syntaxProblem(rawPath, rawQuery);
    }

    /** What {@code java.net.URI} refuses once the escapes are known to be good: a raw {@code {}, {@code |}, … */
    private static FieldError syntaxProblem(String rawPath, String rawQuery) {
        String uri = rawQuery == null ? rawPath : rawPath + "?" + rawQuery;
        try {
            new URI(uri);
            return null;
        } catch (URISyntaxException e) {
            int at = e.getIndex();
            String what = at >= 0 && at < uri.length()
                    ? "has a character not allowed in a URI ('" + uri.charAt(at) + "') at character " + (at + 1)
                    : "is not a valid URI";
            return at > rawPath.length() ? FieldError.of("query", "the query " + what)
                    : FieldError.of("path", "the path " + what);
        }
    }

    private static String pathProblem(String rawPath) {
        String path;
        try {
            path = decode(rawPath, false);
        } catch (IllegalArgumentException e) {
            return "the path " + e.getMessage();
        }
        // Tab, CR and LF are left to the resources, whose rules name the parameter (user_id: "contains a line break").
        String problem = TextRules.problem(path, Integer.MAX_VALUE);
        return problem == null ? null : "the path " + problem;
    }

    /** Percent-decodes strictly: a broken escape or bytes that are not UTF-8 are refused, with the reason. */
    static String decode(String raw, boolean plusIsSpace) {
        if (raw.indexOf('%') < 0 && (!plusIsSpace || raw.indexOf('+') < 0)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int hi = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int lo = hi >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (lo < 0) {
                    throw new IllegalArgumentException("has a malformed percent-escape at character " + (i + 1));
                }
                bytes.write(hi * 16 + lo);
                i += 2;
            } else if (plusIsSpace && c == '+') {
                bytes.write(' ');
            } else {
                int end = Character.isHighSurrogate(c) && i + 1 < raw.length() ? i + 2 : i + 1;
                byte[] encoded = raw.substring(i, end).getBytes(StandardCharsets.UTF_8);
                bytes.write(encoded, 0, encoded.length);
                i = end - 1;
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray())).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("is not valid UTF-8 once percent-decoded");
        }
    }
}
