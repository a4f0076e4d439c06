package io.openaudience.common.audience;

import java.util.Arrays;
import java.util.Optional;

/** The value types of a Fynd user attribute definition (API.md §2), as they appear on the wire. */
public enum AttributeType {

    NUMBER("number", Kind.NUMBER, false, false),
    STRING("string", Kind.STRING, false, false),
    BOOLEAN("boolean", Kind.BOOLEAN, false, false),
    DATE("date", Kind.DATE, false, false),
    NUMBER_ARRAY("number_array", Kind.NUMBER, true, false),
    STRING_ARRAY("string_array", Kind.STRING, true, false),
    ENCRYPTED_STRING("encrypted_string", Kind.STRING, false, true),
    ENCRYPTED_NUMBER("encrypted_number", Kind.NUMBER, false, true),
    ENCRYPTED_STRING_ARRAY("encrypted_string_array", Kind.STRING, true, true),
    ENCRYPTED_NUMBER_ARRAY("encrypted_number_array", Kind.NUMBER, true, true);

    /** What one value (or one element of an array value) is. */
    public enum Kind {
        NUMBER, STRING, BOOLEAN, DATE
    }

    private final String wire;
    private final Kind kind;
    private final boolean array;
    private final boolean encrypted;

    AttributeType(String wire, Kind kind, boolean array, boolean encrypted) {
        this.wire = wire;
        this.kind = kind;
        this.array = array;
        this.encrypted = encrypted;
    }

    /** The type named as the API names it ({@code "encrypted_number_array"}), if there is one. */
    public static Optional<AttributeType> of(String wire) {
        return Arrays.stream(values()).filter(t -> t.wire.equals(wire)).findFirst();
    }

    /** Every wire name, for error messages. */
    public static String names() {
        return String.join(", ", Arrays.stream(values()).map(AttributeType::wire).toList());
    }

    public String wire() {
        return wire;
    }

    public Kind kind() {
        return kind;
    }

    public boolean array() {
        return array;
    }

    public boolean encrypted() {
        return encrypted;
    }

    /** The encrypted type storing the same values ({@code string} → {@code encrypted_string}); none for boolean/date. */
    public Optional<AttributeType> encryptedVariant() {
        return encrypted ? Optional.of(this) : of("encrypted_" + wire);
    }
}
