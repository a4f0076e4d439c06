package io.openaudience.common.error;

import com.fasterxml.jackson.annotation.JsonInclude;

/** One problem with the input: the field (or CSV column) and, for file rows, the 1-based row number. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record FieldError(String field, Long row, String message) {

    public static FieldError of(String field, String message) {
        return new FieldError(field, null, message);
    }
}
