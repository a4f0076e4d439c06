package io.openaudience.audience;

/** One page of a list in Fynd's number pagination: {@code page_no} from 1, {@code page_size} 1–100. */
public record PageRequest(int pageNo, int pageSize) {
}
