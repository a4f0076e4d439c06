package io.openaudience.common.audience;

/** A value (or a definition's validation) breaks a rule of {@link AttributeRules}; the message says which, in words. */
public class InvalidAttributeValueException extends RuntimeException {

    /** Where in the checked input the problem is, relative to it ({@code "[2]"} for an array element), or null. */
    private final String path;

    public InvalidAttributeValueException(String message) {
        this(null, message);
    }

    public InvalidAttributeValueException(String path, String message) {
        super(message, null, false, false);
        this.path = path;
    }

    public String path() {
        return path;
    }
}
