package io.openaudience.audience.rest;

import java.util.List;

/** A page of items in Fynd's number-paged list shape: {@code {items, page}}. */
public record FyndItems<T>(List<T> items, FyndPage page) {
}
