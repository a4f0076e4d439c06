package io.openaudience.audience.service;

import io.openaudience.common.error.ApiException;
import io.openaudience.common.text.TextRules;

/** What a client's user id may be (the {@code app_user.user_id} column): 1–128 characters on one line. */
public final class People {

    public static final int MAX_USER_ID_LENGTH = 128;

    private People() {
    }

    /** Why the user id is not acceptable, or null. */
    public static String userIdProblem(String userId) {
        if (userId == null || userId.isBlank()) {
            return "is required";
        }
        if (!userId.equals(userId.strip())) {
            return "must not start or end with spaces";
        }
        return TextRules.singleLineProblem(userId, MAX_USER_ID_LENGTH);
    }

    /** The user id of a path, or 400 naming {@code user_id}. */
    public static String checkedUserId(String userId) {
        String problem = userIdProblem(userId);
        if (problem != null) {
            throw ApiException.badRequest("user_id", "user_id " + problem);
        }
        return userId;
    }
}
