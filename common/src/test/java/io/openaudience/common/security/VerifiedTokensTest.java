package io.openaudience.common.security;

import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.ParseException;
import org.eclipse.microprofile.jwt.JsonWebToken;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VerifiedTokensTest {

    private long now = 1_000_000_000_000L;
    private final List<String> checked = new ArrayList<>();
    private final List<String> claimsRead = new ArrayList<>();

    /** Verifies tokens of the form {@code good:<exp seconds>}; anything else fails. */
    private final DefaultJWTParser verifier = new DefaultJWTParser() {
        @Override
        public JsonWebToken parse(String token) throws ParseException {
            checked.add(token);
            if (!token.startsWith("good:")) {
                throw new ParseException("bad signature");
            }
            long exp = Long.parseLong(token.substring(5));
            if (now / 1000 >= exp) {
                throw new ParseException("expired");
            }
            return new Token(token, exp, claimsRead);
        }
    };

    private final VerifiedTokens tokens = new VerifiedTokens(verifier, () -> now);

    @Test
    void aTokenIsVerifiedOnceForItsNextRequests() throws ParseException {
        String token = "good:" + (now / 1000 + 3600);

        JsonWebToken first = tokens.parse(token);
        JsonWebToken second = tokens.parse(token);

        assertSame(first, second);
        assertEquals(List.of(token), checked);
    }

    @Test
    void eachClaimIsReadOnceFromTheVerifiedTokenForAllItsRequests() throws ParseException {
        String token = "good:" + (now / 1000 + 3600);

        for (int request = 0; request < 3; request++) {
            JsonWebToken jwt = tokens.parse(token);
            assertEquals("1", jwt.getClaim(Claims.SUBSCRIPTION_ID));
            assertEquals(List.of("DEE"), jwt.getClaim(Claims.INITIATIVES));
            assertNull(jwt.getClaim(Claims.COMPANY_ID));
            assertEquals(now / 1000 + 3600, jwt.getExpirationTime());
        }

        assertEquals(List.of("exp", Claims.SUBSCRIPTION_ID, Claims.INITIATIVES, Claims.COMPANY_ID), claimsRead);
    }

    @Test
    void aTokenIsVerifiedAgainAfterAMinute() throws ParseException {
        String token = "good:" + (now / 1000 + 3600);
        tokens.parse(token);

        now += VerifiedTokens.MAX_AGE_MILLIS;
        tokens.parse(token);

        assertEquals(List.of(token, token), checked);
    }

    @Test
    void anExpiredTokenIsRefusedEvenWhenItWasVerifiedBefore() throws ParseException {
        String token = "good:" + (now / 1000 + 10);
        tokens.parse(token);

        now += 10_000;

        assertThrows(ParseException.class, () -> tokens.parse(token));
        assertEquals(List.of(token, token), checked);
    }

    @Test
    void aFailedTokenIsNotRemembered() {
        assertThrows(ParseException.class, () -> tokens.parse("forged"));
        assertThrows(ParseException.class, () -> tokens.parse("forged"));

        assertEquals(List.of("forged", "forged"), checked);
        assertEquals(0, tokens.size());
    }

    @Test
    void theTokensKeptAreBounded() throws ParseException {
        long exp = now / 1000 + 3600;
        for (int i = 0; i <= VerifiedTokens.CAPACITY; i++) {
            tokens.parse("good:" + (exp + i));
        }

        assertTrue(tokens.size() <= VerifiedTokens.CAPACITY, "kept " + tokens.size());
    }

    private record Token(String raw, long exp, List<String> reads) implements JsonWebToken {
        @Override
        public String getName() {
            return "user";
        }

        @Override
        public Set<String> getClaimNames() {
            return Set.of("exp", Claims.SUBSCRIPTION_ID, Claims.INITIATIVES);
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T getClaim(String claim) {
            reads.add(claim);
            return (T) switch (claim) {
                case "exp" -> Long.valueOf(exp);
                case Claims.SUBSCRIPTION_ID -> "1";
                case Claims.INITIATIVES -> List.of("DEE");
                default -> null;
            };
        }
    }
}
