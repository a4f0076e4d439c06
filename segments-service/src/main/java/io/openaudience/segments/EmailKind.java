package io.openaudience.segments;

/** What an accepted email request is for; the wire value is the `kind` of `EmailRequestMessage`. */
public enum EmailKind {

    /** A mail to every member of a segment. */
    SEGMENT("segment"),
    /** A mail to members picked by id ("selected idm members"). */
    SELECTED("selected"),
    /** The invitation again, to the picked members that are still pending. */
    REINVITE("reinvite");

    private final String wire;

    EmailKind(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }
}
