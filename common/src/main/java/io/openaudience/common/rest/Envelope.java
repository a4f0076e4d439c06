package io.openaudience.common.rest;

import com.fasterxml.jackson.annotation.JsonInclude;

/** The Shorter Loop (`/api/v2`) success envelope: {@code {success: true, message?, data}}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Envelope<T>(boolean success, String message, T data) {

    public static <T> Envelope<T> of(T data) {
        return new Envelope<>(true, null, data);
    }

    public static <T> Envelope<T> of(String message, T data) {
        return new Envelope<>(true, message, data);
    }
}
