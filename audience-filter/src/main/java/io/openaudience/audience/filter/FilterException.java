package io.openaudience.audience.filter;

/**
 * A filter or condition that cannot be evaluated, naming the JSON path of the element at fault
 * ({@code filters[2].operator}, {@code conditions[0].value}) and why; callers answer it as a 400 naming that path.
 */
public class FilterException extends Exception {

    private final String path;
    private final String reason;

    public FilterException(String path, String reason) {
        super(path + ": " + reason, null, false, false);
        this.path = path;
        this.reason = reason;
    }

    /** The JSON path of the offending element, e.g. {@code filters[2].operator}. */
    public String path() {
        return path;
    }

    /** Why it was refused, naming the bad value, e.g. {@code unknown operator "=="; expected one of …}. */
    public String reason() {
        return reason;
    }
}
