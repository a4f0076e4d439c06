package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Placeholders, the plain-text alternative, addresses and unsubscribe tokens, without a server. */
class MailTextTest {

    @Test
    void headerValuesKeepToOneLine() {
        assertEquals("Hi Eve Bcc: spy@evil.example", MailComposer.headerValue("Hi Eve\r\nBcc: spy@evil.example"));
        assertEquals("a b c", MailComposer.headerValue("a\nb\u0000\tc\r"));
    }

    @Test
    void plainTextKeepsParagraphsAndDropsTags() {
        assertEquals("Hello Ada\n\nLine one\nline two\n\n- a & b",
                MailComposer.plainText("<h1>Hello Ada</h1><p>Line one<br>line two</p><ul><li>- a &amp; b</li></ul>"));
    }

    @Test
    void onlyPlausibleAddressesAreSent() {
        assertTrue(Dispatcher.validAddress("ada.lovelace+news@example.co.uk"));
        assertFalse(Dispatcher.validAddress("no-at-sign"));
        assertFalse(Dispatcher.validAddress("two@@example.org"));
        assertFalse(Dispatcher.validAddress("x y@example.org"));
        assertFalse(Dispatcher.validAddress("a@" + "b".repeat(250) + ".org"));
    }

    @Test
    void tokensRoundTripAndRejectTamperingAndForeignKeys() {
        UnsubscribeTokens tokens = new UnsubscribeTokens(config("secret-one-of-at-least-thirty-two-bytes"));
        String token = tokens.issue(42, "DEE", "Ada@Example.org");
        UnsubscribeTokens.Subject subject = tokens.verify(token).orElseThrow();
        assertEquals(new UnsubscribeTokens.Subject(42, "DEE", "ada@example.org"), subject);

        // Another address under the genuine signature.
        String forged = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                "42|DEE|eve@example.org".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                + token.substring(token.indexOf('.'));
        assertTrue(tokens.verify(forged).isEmpty());
        assertTrue(new UnsubscribeTokens(config("secret-two-of-at-least-thirty-two-bytes")).verify(token).isEmpty());
        assertTrue(tokens.verify("garbage").isEmpty());
        assertTrue(tokens.verify("!!!.???").isEmpty());
        assertTrue(tokens.verify(null).isEmpty());
    }

    @Test
    void anUnsubscribeSecretShorterThan32BytesStopsTheService() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new UnsubscribeTokens(config("0123456789012345678901234567890")));
        assertTrue(e.getMessage().contains("UNSUBSCRIBE_SECRET") && e.getMessage().contains("it has 31"),
                e.getMessage());
        assertDoesNotThrow(() -> new UnsubscribeTokens(config("01234567890123456789012345678901")));
    }

    private static NotificationConfig config(String secret) {
        return (NotificationConfig) Proxy.newProxyInstance(NotificationConfig.class.getClassLoader(),
                new Class<?>[] {NotificationConfig.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "unsubscribeSecret" -> secret;
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }
}
