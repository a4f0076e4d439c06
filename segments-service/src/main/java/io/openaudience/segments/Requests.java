package io.openaudience.segments;

import java.util.List;

/** The request bodies of the Shorter Loop segments API; the services check them and name the failing field. */
public final class Requests {

    private Requests() {
    }

    /** Create or rename a segment. */
    public record SegmentValue(String value) {
    }

    /** One member to create: {@code name} becomes firstName (the full name, as in the seeds). */
    public record NewMember(String name, String email) {
    }

    /** Body of {@code POST /api/v2/segments/{id}/users}. */
    public record NewSegmentMembers(List<NewMember> users) {
    }

    /** Body of the move and remove endpoints: member ids. */
    public record UserIds(List<Long> users) {
    }
}
