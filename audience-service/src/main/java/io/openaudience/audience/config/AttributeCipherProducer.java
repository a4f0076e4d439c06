package io.openaudience.audience.config;

import io.openaudience.common.audience.AttributeCipher;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Builds the {@link AttributeCipher} from {@link EncryptionConfig} at start-up, so a missing or bad key stops it. */
@ApplicationScoped
public class AttributeCipherProducer {

    @Produces
    @Singleton
    @Startup
    AttributeCipher cipher(EncryptionConfig config) {
        return of(config);
    }

    /** The cipher of the configured ring; throws {@link IllegalStateException} saying what to set when unusable. */
    static AttributeCipher of(EncryptionConfig config) {
        String keys = config.keys().orElse("");
        if (keys.isBlank()) {
            throw new IllegalStateException("audience.encryption.keys (env AUDIENCE_ENCRYPTION_KEYS) is not set: "
                    + "encrypted attributes need a key ring 'id:base64key[,id:base64key]' of 32-byte keys, e.g. "
                    + "from `openssl rand -base64 32`; only the dev and test profiles have a built-in dev-only key");
        }
        try {
            return AttributeCipher.of(keys, config.activeKey().orElse(null));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("invalid encryption key configuration (AUDIENCE_ENCRYPTION_KEYS / "
                    + "AUDIENCE_ENCRYPTION_ACTIVE_KEY): " + e.getMessage(), e);
        }
    }
}
