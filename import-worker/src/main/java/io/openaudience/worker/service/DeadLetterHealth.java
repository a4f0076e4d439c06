package io.openaudience.worker.service;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the dead letters of this instance on the readiness check: always UP, since a record or job given up on no
 * longer holds anything back; the count and the latest reason tell an operator to look at the dead_letter tables.
 */
@Readiness
@ApplicationScoped
public class DeadLetterHealth implements HealthCheck {

    private final DeadLetters deadLetters;

    public DeadLetterHealth(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("dead letters").up()
                .withData("since_start", deadLetters.total());
        DeadLetters.Last last = deadLetters.last();
        if (last != null) {
            response.withData("last_schema", last.schema()).withData("last_reason", last.reason())
                    .withData("last_at", last.at().toString());
        }
        return response.build();
    }
}
