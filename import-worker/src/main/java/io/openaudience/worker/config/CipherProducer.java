package io.openaudience.worker.config;

import io.openaudience.common.audience.AttributeCipher;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Makes the attribute cipher from its configured key ring at start-up, so a worker without keys does not start. */
@ApplicationScoped
public class CipherProducer {

    @Produces
    @Singleton
    @Startup
    AttributeCipher cipher(EncryptionConfig config) {
        try {
            return AttributeCipher.of(config.keys().orElse(null), config.activeKey().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(e.getMessage() + " (set AUDIENCE_ENCRYPTION_KEYS and "
                    + "AUDIENCE_ENCRYPTION_ACTIVE_KEY)", e);
        }
    }
}
