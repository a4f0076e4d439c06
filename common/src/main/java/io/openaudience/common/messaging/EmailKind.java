package io.openaudience.common.messaging;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

/** What an accepted email request is for; {@link #wire()} is its `kind` in {@link EmailRequestMessage} and SQL. */
public enum EmailKind {

    /** A mail to every member of a segment. */
    SEGMENT("segment"),
    /** A mail to members picked by id ("selected idm members"). */
    SELECTED("selected"),
    /** The invitation again, to the picked members that are still pending; no subject or body of its own. */
    REINVITE("reinvite");

    private final String wire;

    EmailKind(String wire) {
        this.wire = wire;
    }

    @JsonValue
    public String wire() {
        return wire;
    }

    /** The kind of a wire value; an unknown value is an {@link IllegalArgumentException} (a message not ours). */
    @JsonCreator
    public static EmailKind ofWire(String wire) {
        for (EmailKind kind : values()) {
            if (kind.wire.equals(wire)) {
                return kind;
            }
        }
        throw new IllegalArgumentException("unknown email kind: " + wire);
    }
}
