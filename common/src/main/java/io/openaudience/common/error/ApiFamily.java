package io.openaudience.common.error;

import java.util.List;
import java.util.Map;

/** The three API families of API.md, each with its own error envelope; chosen by the request path. */
public enum ApiFamily {

    /** Shorter Loop v2: {@code {success:false, message, errors?}}. */
    SHORTER_LOOP,
    /** Fynd platform: {@code {code, message, request_id, meta?}}. */
    FYND,
    /** GoSquared people and tracking: {@code {success:false, error:{code, message}}}. */
    GOSQUARED;

    public static ApiFamily ofPath(String path) {
        if (path == null) {
            return SHORTER_LOOP;
        }
        if (path.startsWith("/service/platform/")) {
            return FYND;
        }
        if (path.startsWith("/people/") || path.startsWith("/tracking/")) {
            return GOSQUARED;
        }
        return SHORTER_LOOP;
    }

    /** The error body of this family; {@code errors} may be empty, {@code requestId} is always set. */
    public Object body(int status, String code, String message, List<FieldError> errors, String requestId) {
        return switch (this) {
            case SHORTER_LOOP -> errors.isEmpty()
                    ? new ShorterLoopError(false, message, null, status >= 500 ? requestId : null)
                    : new ShorterLoopError(false, message, errors, status >= 500 ? requestId : null);
            case FYND -> new FyndError(code, message, requestId,
                    errors.isEmpty() ? null : Map.of("errors", errors));
            case GOSQUARED -> new GoSquaredError(false, new GoSquaredError.Detail(code, message));
        };
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record ShorterLoopError(boolean success, String message, List<FieldError> errors, String requestId) {
    }

    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    public record FyndError(String code, String message,
                            @com.fasterxml.jackson.annotation.JsonProperty("request_id") String requestId,
                            Map<String, Object> meta) {
    }

    public record GoSquaredError(boolean success, Detail error) {
        public record Detail(String code, String message) {
        }
    }
}
