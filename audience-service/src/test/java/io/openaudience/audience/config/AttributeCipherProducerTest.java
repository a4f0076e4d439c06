package io.openaudience.audience.config;

import io.openaudience.common.audience.AttributeCipher;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Start-up refuses a missing or unusable key ring with a message that says what to set. */
class AttributeCipherProducerTest {

    private static final String DEV = "dev1:udNXOHpi6NWK22+jnevnb9n5h1ZCTftFe8YfAHEc7/c=";

    @Test
    void noKeysStopStartUpNamingTheVariable() {
        for (Optional<String> keys : java.util.List.of(Optional.<String>empty(), Optional.of(" "))) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> AttributeCipherProducer.of(config(keys, Optional.empty())));
            assertTrue(e.getMessage().contains("AUDIENCE_ENCRYPTION_KEYS"), e.getMessage());
        }
    }

    @Test
    void aBadKeyOrAnUnknownActiveIdStopsStartUp() {
        for (String ring : java.util.List.of("dev1:not-base64!", "dev1:c2hvcnQ=", "nocolon")) {
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> AttributeCipherProducer.of(config(Optional.of(ring), Optional.empty())));
            assertTrue(e.getMessage().startsWith("invalid encryption key configuration"), e.getMessage());
        }
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> AttributeCipherProducer.of(config(Optional.of(DEV), Optional.of("dev2"))));
        assertTrue(e.getMessage().contains("dev2"), e.getMessage());
    }

    @Test
    void aGoodRingSealsWithTheActiveKey() {
        AttributeCipher cipher = AttributeCipherProducer.of(config(Optional.of(DEV), Optional.empty()));
        assertEquals("dev1", cipher.activeKeyId());
        AttributeCipher.Sealed sealed = cipher.seal("\"x\"", "c", "a", "d");
        assertEquals("\"x\"", cipher.open(sealed.keyId(), sealed.bytes(), "c", "a", "d"));
    }

    private static EncryptionConfig config(Optional<String> keys, Optional<String> active) {
        return new EncryptionConfig() {
            @Override
            public Optional<String> keys() {
                return keys;
            }

            @Override
            public Optional<String> activeKey() {
                return active;
            }
        };
    }
}
