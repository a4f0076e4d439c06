package io.openaudience.common.error;

import java.util.List;

/**
 * A failure the client caused or must know about; the mappers turn it into the envelope of the API family
 * the request belongs to. Services throw it; resources never build error responses themselves.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<FieldError> errors;

    public ApiException(int status, String code, String message, List<FieldError> errors) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.errors = errors == null ? List.of() : List.copyOf(errors);
    }

    public static ApiException badRequest(String field, String message) {
        return new ApiException(400, "invalid_request", message, List.of(FieldError.of(field, message)));
    }

    public static ApiException badRequest(String message, List<FieldError> errors) {
        return new ApiException(400, "invalid_request", message, errors);
    }

    /** The resource does not exist for this tenant: another tenant's resource answers exactly like a missing one. */
    public static ApiException notFound(String what) {
        return new ApiException(404, "not_found", what + " not found", List.of());
    }

    public static ApiException conflict(String field, String message) {
        return new ApiException(409, "conflict", message, List.of(FieldError.of(field, message)));
    }

    public static ApiException forbidden(String message) {
        return new ApiException(403, "forbidden", message, List.of());
    }

    public static ApiException payloadTooLarge(String message) {
        return new ApiException(413, "payload_too_large", message, List.of());
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public List<FieldError> errors() {
        return errors;
    }
}
