package io.openaudience.worker;

import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.flywaydb.core.Flyway;

import javax.sql.DataSource;

/**
 * Migrates the audience schema when the worker starts in a test, as audience-service would before the worker runs:
 * a second Flyway (the first, Quarkus's, migrates the segments schema) over audience-service's own migrations,
 * copied as test resources to {@code db/audience}.
 */
@ApplicationScoped
class AudienceSchemaMigration {

    void migrate(@Observes @Priority(1) StartupEvent event, DataSource dataSource) {
        Flyway.configure()
                .dataSource(dataSource)
                .schemas("audience")
                .createSchemas(true)
                .locations("classpath:db/audience")
                .load()
                .migrate();
    }
}
