package io.openaudience.common.error;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import io.openaudience.common.rest.BodyLimits;
import io.openaudience.common.rest.JsonHardening;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.ForbiddenException;
import io.quarkus.security.UnauthorizedException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

import java.lang.annotation.Annotation;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;

/**
 * The one place where failures become HTTP responses, in the envelope of the request's API family:
 * 4xx are logged at DEBUG, 5xx at ERROR with a request id that is also returned (never a stack trace).
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);
    public static final String REQUEST_ID_HEADER = "X-Request-Id";

    @ServerExceptionMapper
    public Response api(ApiException e, UriInfo uri, HttpServerRequest request) {
        return respond(uri, request, e.status(), e.code(), e.getMessage(), e.errors(), null);
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e, UriInfo uri, HttpServerRequest request) {
        List<FieldError> errors = e.getConstraintViolations().stream()
                .sorted(Comparator.comparing(v -> v.getPropertyPath().toString()))
                .map(v -> FieldError.of(fieldName(v), v.getMessage()))
                .toList();
        String message = errors.stream().map(f -> f.field() + ": " + f.message()).collect(Collectors.joining("; "));
        return respond(uri, request, 400, "invalid_request", message, errors, null);
    }

    @ServerExceptionMapper
    public Response json(JsonProcessingException e, UriInfo uri, HttpServerRequest request, RoutingContext ctx) {
        // A body refused part-way is not read on (JsonHardening): the answer ends the connection instead.
        BodyLimits.closeUnreadBody(ctx);
        JsonProcessingException reason = reasonOf(e);
        String field = fieldOf(e, reason);
        String message;
        String original = reason.getOriginalMessage() == null ? "" : reason.getOriginalMessage();
        if (reason instanceof JsonHardening.BadTextException bad) {
            String at = (field == null ? "" : field) + bad.innerPath();
            field = at.startsWith(".") ? at.substring(1) : at.isEmpty() ? null : at;
            message = original;
        } else if (original.startsWith("Duplicate field '")) {
            int close = original.lastIndexOf('\'');
            if (field == null) {
                field = close > 17 ? original.substring(17, close) : null;
            }
            message = "duplicate key";
        } else if (original.startsWith("Trailing token")) {
            message = "unexpected content after the JSON document";
        } else if (limitOf(reason) != null && isBodySize(limitOf(reason))) {
            // The whole document, not one of its values: the body limit of BodyLimits, met while parsing.
            String limit = "request body exceeds the limit for this route: " + limitOf(reason).getOriginalMessage();
            return respond(uri, request, 413, "payload_too_large", limit, List.of(FieldError.of("body", limit)), null);
        } else if (limitOf(reason) != null) {
            message = "request body exceeds a limit: " + limitOf(reason).getOriginalMessage();
        } else if (original.startsWith("Invalid UTF-8") || original.startsWith("Invalid UTF-32")) {
            message = "invalid UTF-8";
        } else if (original.startsWith("Illegal unquoted character")) {
            message = "contains a control character (unescaped)";
        } else if (reason instanceof UnrecognizedPropertyException) {
            message = "unknown field";
        } else if (reason instanceof InvalidFormatException || reason instanceof MismatchedInputException) {
            message = field == null ? "request body has the wrong type" : "wrong type";
        } else {
            message = "malformed JSON";
        }
        List<FieldError> errors = field == null ? List.of() : List.of(FieldError.of(field, message));
        String text = field == null ? message : field + ": " + message;
        return respond(uri, request, 400, "invalid_request", text, errors, null);
    }

    /**
     * What the parser or a deserializer refused: databind wraps a parser's refusal inside a field (invalid UTF-8, a
     * string beyond the limit) in a mapping exception that only adds the field's path.
     */
    private static JsonProcessingException reasonOf(JsonProcessingException e) {
        JsonProcessingException reason = e;
        while (reason instanceof JsonMappingException && !(reason instanceof MismatchedInputException)
                && reason.getCause() instanceof JsonProcessingException inner && inner != reason) {
            reason = inner;
        }
        return reason;
    }

    /** The size or nesting limit the document broke, or null (a tree deserializer may wrap it in a parse error). */
    private static StreamConstraintsException limitOf(JsonProcessingException reason) {
        return reason instanceof StreamConstraintsException limit ? limit
                : reason.getCause() instanceof StreamConstraintsException limit ? limit : null;
    }

    /** A limit on the document's length or token count (its size), not on one string, number or nesting level. */
    private static boolean isBodySize(StreamConstraintsException limit) {
        String message = String.valueOf(limit.getOriginalMessage());
        return message.startsWith("Document length") || message.startsWith("Token count");
    }

    /**
     * Where in the document the problem is ({@code users[2].email}), or null: the parser's position when the parser
     * refused the text, else the path databind recorded. A limit (nesting, length) names the outermost field only
     * ({@code [0].name}), since the deep path of a too-deep document says nothing more.
     */
    private static String fieldOf(JsonProcessingException e, JsonProcessingException reason) {
        List<String> parts = new java.util.ArrayList<>();
        boolean limit = limitOf(reason) != null;
        if (reason instanceof JsonParseException parse && parse.getProcessor() != null) {
            java.util.Deque<String> stack = new java.util.ArrayDeque<>();
            for (JsonStreamContext c = parse.getProcessor().getParsingContext(); c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inObject() && c.getCurrentName() != null) {
                    stack.addFirst(c.getCurrentName());
                } else if (c.inArray()) {
                    stack.addFirst("[" + c.getCurrentIndex() + "]");
                }
            }
            parts.addAll(stack);
        }
        if (parts.isEmpty() && e instanceof JsonMappingException mapping) {
            mapping.getPath().forEach(r -> parts.add(r.getFieldName() != null ? r.getFieldName()
                    : "[" + r.getIndex() + "]"));
        }
        if (parts.isEmpty()) {
            return null;
        }
        int end = parts.size();
        if (limit) {
            end = 1;
            while (end < parts.size() && parts.get(end - 1).startsWith("[")) {
                end++;
            }
        }
        return String.join(".", parts.subList(0, end)).replace(".[", "[");
    }

    /** RESTEasy Reactive ships its own mapper for this subtype (a non-envelope body); this one is more specific. */
    @ServerExceptionMapper
    public Response mismatchedInput(MismatchedInputException e, UriInfo uri, HttpServerRequest request,
                                    RoutingContext ctx) {
        return json(e, uri, request, ctx);
    }

    @ServerExceptionMapper
    public Response unauthorized(UnauthorizedException e, UriInfo uri, HttpServerRequest request) {
        return unauthenticated(uri, request);
    }

    @ServerExceptionMapper
    public Response authenticationFailed(AuthenticationFailedException e, UriInfo uri, HttpServerRequest request) {
        return unauthenticated(uri, request);
    }

    @ServerExceptionMapper
    public Response forbidden(ForbiddenException e, UriInfo uri, HttpServerRequest request) {
        return respond(uri, request, 403, "forbidden", "not allowed for this token", List.of(), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri, HttpServerRequest request, RoutingContext ctx) {
        int status = e.getResponse().getStatus();
        if (status == 400 && e.getCause() instanceof JsonProcessingException json) {
            // The JSON reader wraps what the parser refused (syntax, duplicate keys): answer it as json() does.
            return json(json, uri, request, ctx);
        }
        if (status >= 500) {
            return internal(e, uri, request);
        }
        String message = switch (status) {
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable";
            case 413 -> "payload too large";
            case 415 -> "unsupported media type";
            default -> e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage();
        };
        String code = status == 404 ? "not_found" : status == 415 ? "unsupported_media_type"
                : status == 413 ? "payload_too_large" : "invalid_request";
        return respond(uri, request, status, code, message, List.of(), null);
    }

    /**
     * An I/O failure while the framework read the request body is the client's: broken multipart framing (a missing or
     * unterminated boundary, a body that ends mid-part) reaches here as the multipart parser's {@code IOException}.
     * Any other I/O failure stays a 500.
     */
    @ServerExceptionMapper
    public Response io(java.io.IOException e, UriInfo uri, HttpServerRequest request) {
        if (readingMultipart(e)) {
            String message = "malformed multipart body: " + e.getMessage();
            return respond(uri, request, 400, "invalid_request", message,
                    List.of(FieldError.of("multipart", "the body does not follow its multipart boundary framing")), null);
        }
        return internal(e, uri, request);
    }

    private static boolean readingMultipart(Throwable e) {
        for (StackTraceElement frame : e.getStackTrace()) {
            if (frame.getClassName().startsWith("org.jboss.resteasy.reactive.server.core.multipart.")) {
                return true;
            }
        }
        return false;
    }

    @ServerExceptionMapper(priority = jakarta.ws.rs.Priorities.USER + 1000)
    public Response internal(Throwable e, UriInfo uri, HttpServerRequest request) {
        return respond(uri, request, 500, "internal_error", "internal error", List.of(), e);
    }

    private Response unauthenticated(UriInfo uri, HttpServerRequest request) {
        String message = ApiFamily.ofPath(uri.getPath()) == ApiFamily.GOSQUARED
                ? "Your API Key is not authorised for this endpoint"
                : "missing, expired or invalid bearer token";
        return respond(uri, request, 401, "unauthorized", message, List.of(), null);
    }

    private Response respond(UriInfo uri, HttpServerRequest request, int status, String code, String message,
                             List<FieldError> errors, Throwable cause) {
        String requestId = request.getHeader(REQUEST_ID_HEADER);
        if (requestId == null || requestId.isBlank()) {
            requestId = UUID.randomUUID().toString();
        }
        if (status >= 500) {
            LOG.errorf(cause, "request %s %s %s failed", requestId, request.method(), uri.getPath());
        } else {
            LOG.debugf("request %s %s %s -> %d %s", requestId, request.method(), uri.getPath(), status, message);
        }
        Object body = ApiFamily.ofPath(uri.getPath()).body(status, code, message, errors, requestId);
        Response.ResponseBuilder builder = Response.status(status).type(MediaType.APPLICATION_JSON)
                .header(REQUEST_ID_HEADER, requestId).entity(body);
        if (status == 401) {
            builder.header("WWW-Authenticate", "Bearer");
        }
        return builder.build();
    }

    /**
     * Answers a request refused by a Vert.x route before JAX-RS (URI checks, body limits) in its family's envelope,
     * as {@link #respond} does for the JAX-RS mappers.
     */
    public static void respond(RoutingContext ctx, ObjectMapper mapper, int status, String code, String message,
                               List<FieldError> errors) {
        String requestId = ctx.request().getHeader(REQUEST_ID_HEADER);
        if (requestId == null || requestId.isBlank()) {
            requestId = UUID.randomUUID().toString();
        }
        LOG.debugf("request %s %s %s -> %d %s", requestId, ctx.request().method(), ctx.request().path(), status,
                message);
        Object body = ApiFamily.ofPath(ctx.request().path()).body(status, code, message, errors, requestId);
        String json;
        try {
            json = mapper.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            ctx.fail(e);
            return;
        }
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader(REQUEST_ID_HEADER, requestId)
                .end(json);
    }

    private static String fieldName(ConstraintViolation<?> v) {
        String wire = wireName(v);
        if (wire != null) {
            return wire;
        }
        // "create.arg0.value" → "value": the method and parameter parts mean nothing to a client.
        String path = v.getPropertyPath().toString();
        String[] parts = path.split("\\.");
        if (parts.length >= 3) {
            return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
        }
        return parts[parts.length - 1];
    }

    /**
     * A violated resource-method parameter ("list.pageSize") is named as the client sent it (the query parameter
     * "page_size"); null when the violation is not on a parameter with a JAX-RS name.
     */
    private static String wireName(ConstraintViolation<?> v) {
        List<Path.Node> nodes = new java.util.ArrayList<>();
        v.getPropertyPath().forEach(nodes::add);
        if (nodes.size() != 2 || nodes.get(0).getKind() != ElementKind.METHOD
                || nodes.get(1).getKind() != ElementKind.PARAMETER || v.getRootBeanClass() == null) {
            return null;
        }
        Path.MethodNode method = nodes.get(0).as(Path.MethodNode.class);
        int index = nodes.get(1).as(Path.ParameterNode.class).getParameterIndex();
        Class<?>[] types = method.getParameterTypes().toArray(Class<?>[]::new);
        // The root bean may be a generated subclass whose override carries no parameter annotations.
        for (Class<?> type = v.getRootBeanClass(); type != null && type != Object.class; type = type.getSuperclass()) {
            try {
                Annotation[] annotations =
                        type.getDeclaredMethod(method.getName(), types).getParameterAnnotations()[index];
                for (Annotation annotation : annotations) {
                    String name = annotation instanceof QueryParam q ? q.value()
                            : annotation instanceof PathParam p ? p.value()
                            : annotation instanceof HeaderParam h ? h.value()
                            : annotation instanceof FormParam f ? f.value() : null;
                    if (name != null && !name.isBlank()) {
                        return name;
                    }
                }
            } catch (NoSuchMethodException | ArrayIndexOutOfBoundsException e) {
                // not declared here: look in the superclass
            }
        }
        return null;
    }
}
