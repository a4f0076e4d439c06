package io.openaudience.audience.rest;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Fynd's number pagination block: {@code {type: "number", current, size, item_total, has_next, has_previous}}. */
public record FyndPage(String type, int current, int size, @JsonProperty("item_total") long itemTotal,
                       @JsonProperty("has_next") boolean hasNext, @JsonProperty("has_previous") boolean hasPrevious) {

    public static FyndPage of(int current, int size, long total) {
        return new FyndPage("number", current, size, total, (long) current * size < total, current > 1);
    }
}
