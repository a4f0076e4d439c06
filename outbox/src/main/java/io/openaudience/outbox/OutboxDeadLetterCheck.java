package io.openaudience.outbox;

import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports in readiness the outbox rows moved to the dead-letter table since start and the latest reason, and stays UP:
 * a dead letter is for an operator to read (outbox/README.md, "Dead letters"), and the rows behind it are published.
 */
@Readiness
@ApplicationScoped
public class OutboxDeadLetterCheck implements HealthCheck {

    private final OutboxRelay relay;

    public OutboxDeadLetterCheck(OutboxRelay relay) {
        this.relay = relay;
    }

    @Override
    public HealthCheckResponse call() {
        HealthCheckResponseBuilder response = HealthCheckResponse.named("outbox dead letters").up()
                .withData("deadLetters", relay.deadLettered());
        String reason = relay.lastDeadLetterReason();
        if (reason != null) {
            response.withData("latestReason", reason);
        }
        return response.build();
    }
}
