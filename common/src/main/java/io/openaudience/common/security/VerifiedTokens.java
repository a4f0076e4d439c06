package io.openaudience.common.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Inject;
import org.eclipse.microprofile.jwt.JsonWebToken;

import javax.crypto.SecretKey;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The bearer-token check of every service, verifying a token once and reusing the result for the same token's next
 * requests until its {@code exp} (at most {@link #MAX_AGE_MILLIS}). A client sends one token for many requests, and
 * the RSA signature check and JSON parse of smallrye-jwt were the largest part of a cheap request's CPU (40% of the
 * members page's, bench/audience/README.md). Only tokens that passed every check are kept, under the whole token text,
 * so a changed token is verified afresh; the map is bounded by {@link #CAPACITY}. The token handed out reads each of
 * its claims once ({@link ClaimMemo}).
 */
@Alternative
@Priority(1)
@ApplicationScoped
public class VerifiedTokens implements JWTParser {

    static final int CAPACITY = 10_000;
    static final long MAX_AGE_MILLIS = 60_000;

    private final JWTParser verifier;
    private final LongSupplier clock;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

    @Inject
    public VerifiedTokens(DefaultJWTParser verifier) {
        this(verifier, System::currentTimeMillis);
    }

    VerifiedTokens(JWTParser verifier, LongSupplier clock) {
        this.verifier = verifier;
        this.clock = clock;
    }

    @Override
    public JsonWebToken parse(String token) throws ParseException {
        long now = clock.getAsLong();
        Verified known = verified.get(token);
        if (known != null && now < known.until()) {
            return known.jwt();
        }
        JsonWebToken jwt = new ClaimMemo(verifier.parse(token));
        long until = Math.min(jwt.getExpirationTime() * 1000, now + MAX_AGE_MILLIS);
        if (verified.size() >= CAPACITY) {
            verified.values().removeIf(v -> v.until() <= now);
            if (verified.size() >= CAPACITY) {
                verified.clear();
            }
        }
        verified.put(token, new Verified(jwt, until));
        return jwt;
    }

    int size() {
        return verified.size();
    }

    @Override
    public JsonWebToken parse(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    @Override
    public JsonWebToken verify(String token, PublicKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, SecretKey key) throws ParseException {
        return verifier.verify(token, key);
    }

    @Override
    public JsonWebToken verify(String token, String secret) throws ParseException {
        return verifier.verify(token, secret);
    }

    @Override
    public JsonWebToken decrypt(String token, PrivateKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, SecretKey key) throws ParseException {
        return verifier.decrypt(token, key);
    }

    @Override
    public JsonWebToken decrypt(String token, String secret) throws ParseException {
        return verifier.decrypt(token, secret);
    }

    @Override
    public JsonWebToken parseOnly(String token) throws ParseException {
        return verifier.parseOnly(token);
    }

    private record Verified(JsonWebToken jwt, long until) {
    }
}
