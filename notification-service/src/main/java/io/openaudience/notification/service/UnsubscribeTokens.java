package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Locale;
import java.util.Optional;

/**
 * Signed unsubscribe tokens: {@code base64url(subscription|initiative|email) "." base64url(HMAC-SHA256)}. The link
 * in a mail needs no login; the signature is what makes it unforgeable.
 */
@Startup
@ApplicationScoped
public class UnsubscribeTokens {

    /** The HMAC-SHA256 key's least length: a shorter one can be guessed offline from one link. */
    static final int MIN_SECRET_BYTES = 32;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    /** One keyed Mac per thread: looking the algorithm up and keying it costs more than signing a token. */
    private final ThreadLocal<Mac> macs;

    public UnsubscribeTokens(NotificationConfig config) {
        byte[] key = config.unsubscribeSecret().getBytes(StandardCharsets.UTF_8);
        if (key.length < MIN_SECRET_BYTES) {
            throw new IllegalStateException("notification-service.unsubscribe-secret (UNSUBSCRIBE_SECRET) must be at "
                    + "least " + MIN_SECRET_BYTES + " bytes, e.g. openssl rand -base64 48; it has " + key.length);
        }
        this.macs = ThreadLocal.withInitial(() -> {
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(key, "HmacSHA256"));
                return mac;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 unavailable", e);
            }
        });
    }

    public String issue(long subscriptionId, String initiativeId, String email) {
        byte[] payload = (subscriptionId + "|" + initiativeId + "|" + email.toLowerCase(Locale.ROOT))
                .getBytes(StandardCharsets.UTF_8);
        return ENCODER.encodeToString(payload) + "." + ENCODER.encodeToString(sign(payload));
    }

    /** The address and tenant a token names, when its signature is ours. */
    public Optional<Subject> verify(String token) {
        if (token == null) {
            return Optional.empty();
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        try {
            byte[] payload = DECODER.decode(token.substring(0, dot));
            byte[] signature = DECODER.decode(token.substring(dot + 1));
            if (!MessageDigest.isEqual(sign(payload), signature)) {
                return Optional.empty();
            }
            String[] parts = new String(payload, StandardCharsets.UTF_8).split("\\|", 3);
            if (parts.length != 3) {
                return Optional.empty();
            }
            return Optional.of(new Subject(Long.parseLong(parts[0]), parts[1], parts[2]));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] sign(byte[] payload) {
        return macs.get().doFinal(payload);
    }

    /** Who unsubscribes, from which tenant's mail. */
    public record Subject(long subscriptionId, String initiativeId, String email) {
    }
}
