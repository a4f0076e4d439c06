package io.openaudience.notification.service;

import io.smallrye.health.api.AsyncHealthCheck;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/**
 * Reports the number of dead letters in readiness and stays UP: a dead letter is for an operator to read, not a
 * reason to take the service out of rotation (the rows behind it are being sent).
 */
@Readiness
@ApplicationScoped
public class DeadLetterCheck implements AsyncHealthCheck {

    private final DeadLetters deadLetters;

    public DeadLetterCheck(DeadLetters deadLetters) {
        this.deadLetters = deadLetters;
    }

    @Override
    public Uni<HealthCheckResponse> call() {
        return Uni.createFrom().item(HealthCheckResponse.named("email dead letters").up()
                .withData("deadLetters", deadLetters.count()).build());
    }
}
