package io.openaudience.audience.config;

import io.smallrye.config.ConfigMapping;

import java.util.Optional;

/**
 * The key ring of encrypted attribute values ({@code audience.encryption.*}, env {@code AUDIENCE_ENCRYPTION_KEYS} and
 * {@code AUDIENCE_ENCRYPTION_ACTIVE_KEY}). No defaults: only the dev and test profiles carry a (dev-only) key, so any
 * other start without one fails.
 */
@ConfigMapping(prefix = "audience.encryption")
public interface EncryptionConfig {

    /** The ring, {@code id:base64key,id:base64key}, each key 32 random bytes; older keys stay to open old values. */
    Optional<String> keys();

    /** Id of the key new values are sealed with; absent = the first key of the ring. */
    Optional<String> activeKey();
}
