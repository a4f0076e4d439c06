package io.openaudience.audience.rest;

/** Fynd's answer to a delete: {@code {message, success: true}} (the seed's DeleteDetail). */
public record MessageResult(String message, boolean success) {

    static MessageResult of(String message) {
        return new MessageResult(message, true);
    }
}
