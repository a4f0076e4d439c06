package io.openaudience.worker.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/** The key ring of encrypted attribute values, the same keys as audience-service's (CONTRACT §6). */
@ConfigMapping(prefix = "audience.encryption")
public interface EncryptionConfig {

    /** The keys, {@code id:base64,id:base64} (32 random bytes each); env {@code AUDIENCE_ENCRYPTION_KEYS}. */
    Optional<String> keys();

    /** The id of the key new values are sealed with; env {@code AUDIENCE_ENCRYPTION_ACTIVE_KEY}. */
    Optional<String> activeKey();
}
