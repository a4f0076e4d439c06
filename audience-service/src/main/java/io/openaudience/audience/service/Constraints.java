package io.openaudience.audience.service;

import io.vertx.pgclient.PgException;

/** Recognises a PostgreSQL unique violation of a named constraint or index anywhere in a failure's causes. */
final class Constraints {

    private static final String UNIQUE_VIOLATION = "23505";

    private Constraints() {
    }

    static boolean uniqueViolation(Throwable failure, String constraint) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())
                    && (constraint == null || constraint.equals(pg.getConstraint())
                    || (pg.getErrorMessage() != null && pg.getErrorMessage().contains(constraint)))) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }
}
