package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The unsubscribe HMAC key is refused at start-up when it is shorter than 32 bytes. */
class UnsubscribeSecretTest {

    private static NotificationConfig secret(String value) {
        return (NotificationConfig) Proxy.newProxyInstance(NotificationConfig.class.getClassLoader(),
                new Class<?>[]{NotificationConfig.class}, (proxy, method, args) -> {
                    if (method.getName().equals("unsubscribeSecret")) {
                        return value;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }

    @Test
    void aShortSecretStopsTheService() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> new UnsubscribeTokens(secret("0123456789012345678901234567890")));
        assertTrue(e.getMessage().contains("UNSUBSCRIBE_SECRET"), e.getMessage());
        assertTrue(e.getMessage().contains("it has 31"), e.getMessage());
    }

    @Test
    void thirtyTwoBytesAreEnough() {
        assertDoesNotThrow(() -> new UnsubscribeTokens(secret("01234567890123456789012345678901")));
    }
}
