package io.openaudience.segments;

import java.util.UUID;

/** An accepted email request: its notification id, the frozen recipients, and (re-invite) the members skipped. */
public record EmailAcceptance(UUID notificationId, long recipients, long skipped) {
}
