package io.openaudience.audience.service;

import io.openaudience.audience.config.GoSquaredConfig;
import io.openaudience.common.security.Tenant;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.Base64;

/**
 * Signs and checks the download links of smart-group feeds: HMAC-SHA256 over the tenant, the group, the range and the
 * expiry, with the configured secret ({@code audience.gosquared.feed.secret}). Built at start-up, so a missing or short
 * secret stops the service instead of failing the first export.
 */
@ApplicationScoped
@Startup
public class FeedLinks {

    public static final int MIN_SECRET_LENGTH = 32;
    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;

    @Inject
    public FeedLinks(GoSquaredConfig config) {
        this(config.feed().secret().orElse(""));
    }

    FeedLinks(String secret) {
        this.key = key(secret);
    }

    /** The key of a secret; throws {@link IllegalStateException} naming the setting when it is unusable. */
    static SecretKeySpec key(String secret) {
        if (secret.length() < MIN_SECRET_LENGTH) {
            throw new IllegalStateException("audience.gosquared.feed.secret (env GOSQUARED_FEED_SECRET) must be set to "
                    + "at least " + MIN_SECRET_LENGTH + " characters (e.g. `openssl rand -base64 48`): it signs the "
                    + "feed download links; only the dev and test profiles have a built-in dev-only secret");
        }
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM);
    }

    /** The signature of a link (base64url, no padding). */
    public String sign(Tenant tenant, String group, Instant from, Instant to, long expires) {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            byte[] digest = mac.doFinal(message(tenant, group, from, to, expires).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JVM", e);
        }
    }

    /** Whether {@code signature} is the link's, compared in constant time. */
    public boolean verify(Tenant tenant, String group, Instant from, Instant to, long expires, String signature) {
        byte[] expected = sign(tenant, group, from, to, expires).getBytes(StandardCharsets.US_ASCII);
        return signature != null && MessageDigest.isEqual(expected, signature.getBytes(StandardCharsets.US_ASCII));
    }

    /** Every part length-prefixed, so no two different links share a message. */
    static String message(Tenant tenant, String group, Instant from, Instant to, long expires) {
        StringBuilder m = new StringBuilder("gosquared-feed-v1");
        for (String part : new String[]{tenant.companyId(), tenant.applicationId(), group, from.toString(),
                to.toString(), Long.toString(expires)}) {
            m.append('|').append(part.length()).append(':').append(part);
        }
        return m.toString();
    }
}
