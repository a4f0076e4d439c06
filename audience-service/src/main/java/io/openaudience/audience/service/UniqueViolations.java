package io.openaudience.audience.service;

import io.vertx.pgclient.PgException;

/** Finds which unique index a failed write violated, however Hibernate Reactive wrapped the database's answer. */
final class UniqueViolations {

    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueViolations() {
    }

    /** The name of the violated unique index or constraint, or null if the failure is not a unique violation. */
    static String constraint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg && UNIQUE_VIOLATION.equals(pg.getSqlState())) {
                return pg.getConstraint() == null ? "" : pg.getConstraint();
            }
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof org.hibernate.exception.ConstraintViolationException cv
                    && cv.getKind() == org.hibernate.exception.ConstraintViolationException.ConstraintKind.UNIQUE) {
                return cv.getConstraintName() == null ? "" : cv.getConstraintName();
            }
        }
        return null;
    }

    static boolean is(Throwable failure, String constraint) {
        return constraint.equals(constraint(failure));
    }
}
