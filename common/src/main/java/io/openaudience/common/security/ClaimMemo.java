package io.openaudience.common.security;

import org.eclipse.microprofile.jwt.JsonWebToken;

import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A verified token that reads each claim from the token it wraps once, for all the requests that reuse it
 * ({@link VerifiedTokens}). smallrye-jwt looks every claim name up among the standard ones with {@code Enum.valueOf}
 * and catches the {@code IllegalArgumentException} a custom name throws, so each read of {@link Claims}' names filled
 * a stack trace: two per request of the tenancy check, 5 % of the segment list's CPU (perf, 2026-12-03).
 */
final class ClaimMemo implements JsonWebToken {

    private final JsonWebToken token;
    private final Map<String, Optional<Object>> claims = new ConcurrentHashMap<>();

    ClaimMemo(JsonWebToken token) {
        this.token = token;
    }

    @Override
    public String getName() {
        return token.getName();
    }

    @Override
    public Set<String> getClaimNames() {
        return token.getClaimNames();
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getClaim(String claimName) {
        return (T) claims.computeIfAbsent(claimName, name -> Optional.ofNullable(token.getClaim(name))).orElse(null);
    }

    @Override
    public String toString() {
        return token.toString();
    }
}
