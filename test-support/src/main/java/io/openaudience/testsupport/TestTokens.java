package io.openaudience.testsupport;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.build.JwtClaimsBuilder;

import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;

/** Mints the tokens tests send, signed with the dev-only key pair of `deploy/local/dev-keys`. */
public final class TestTokens {

    public static final String ISSUER = "https://openaudience.local/dev";
    /** The audience the services expect in the dev and test profiles ({@code mp.jwt.verify.audiences}). */
    public static final String AUDIENCE = "openaudience";

    private TestTokens() {
    }

    /** A Shorter Loop token for a subscription and the initiative keys it may use. */
    public static String shorterLoop(long subscriptionId, String... initiatives) {
        return base().claim("subscriptionId", subscriptionId)
                .claim("initiatives", Arrays.asList(initiatives)).sign();
    }

    /** A Fynd token for a company and, optionally, the applications it may use. */
    public static String fynd(String companyId, String... applications) {
        JwtClaimsBuilder claims = base().claim("company_id", companyId);
        if (applications.length > 0) {
            claims.claim("applications", Arrays.asList(applications));
        }
        return claims.sign();
    }

    /** A Shorter Loop token signed by the dev key but minted for another audience (no {@code aud} of ours). */
    public static String otherAudience(long subscriptionId, String initiative) {
        return Jwt.issuer(ISSUER).audience("another-system").subject("test-user").upn("test-user").expiresIn(3600)
                .claim("subscriptionId", subscriptionId).claim("initiatives", java.util.List.of(initiative)).sign();
    }

    public static String expired(long subscriptionId, String initiative) {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").upn("test-user")
                .issuedAt(Instant.now().minusSeconds(7200)).expiresAt(Instant.now().minusSeconds(3600))
                .claim("subscriptionId", subscriptionId).claim("initiatives", java.util.List.of(initiative)).sign();
    }

    /** A well-formed token signed by a key the services do not trust. */
    public static String signedByStranger(long subscriptionId, String initiative) {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            PrivateKey stranger = generator.generateKeyPair().getPrivate();
            return base().claim("subscriptionId", subscriptionId)
                    .claim("initiatives", java.util.List.of(initiative)).sign(stranger);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** An unsigned token ({@code alg: none}) with otherwise valid claims. */
    public static String algNone(long subscriptionId, String initiative) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(("{\"iss\":\"" + ISSUER + "\",\"sub\":\"x\",\"upn\":\"x\",\"iat\":" + now
                + ",\"exp\":" + (now + 3600) + ",\"subscriptionId\":" + subscriptionId
                + ",\"initiatives\":[\"" + initiative + "\"]}").getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + ".";
    }

    private static JwtClaimsBuilder base() {
        return Jwt.issuer(ISSUER).audience(AUDIENCE).subject("test-user").upn("test-user").groups("admin")
                .expiresIn(3600);
    }
}
