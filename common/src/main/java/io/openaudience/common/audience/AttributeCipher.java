package io.openaudience.common.audience;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Seals and opens the values of {@code encrypted_*} attributes at rest with AES-256-GCM. Keys form a ring, each with
 * an id: values are sealed with the active key and record its id, and opened with the key of the id they carry, so a
 * new key can be made active while values sealed with older ones still open (rotation). The associated data binds a
 * ciphertext to its tenant and definition, so a sealed value copied to another attribute does not open.
 * <p>
 * Config form (both services read the same keys): {@code audience.encryption.keys = id1:base64key,id2:base64key} and
 * {@code audience.encryption.active-key = id2}; each key is 32 random bytes, base64-encoded.
 */
public final class AttributeCipher {

    /** What list responses show instead of an encrypted value. */
    public static final String MASK = "********";

    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Map<String, SecretKeySpec> keys;
    private final String activeKeyId;

    /** A sealed value: the id of the key that sealed it and {@code iv || ciphertext || tag}. */
    public record Sealed(String keyId, byte[] bytes) {
    }

    private AttributeCipher(Map<String, SecretKeySpec> keys, String activeKeyId) {
        this.keys = keys;
        this.activeKeyId = activeKeyId;
    }

    /**
     * The ring of {@code "id:base64,id:base64"} with {@code activeKeyId} sealing; throws
     * {@link IllegalArgumentException} naming what is wrong (no keys, a key not 32 bytes, an unknown active id).
     */
    public static AttributeCipher of(String keyRing, String activeKeyId) {
        if (keyRing == null || keyRing.isBlank()) {
            throw new IllegalArgumentException("audience.encryption.keys is empty: encrypted attributes need a key");
        }
        Map<String, SecretKeySpec> keys = new LinkedHashMap<>();
        for (String entry : keyRing.split(",")) {
            String[] parts = entry.strip().split(":", 2);
            if (parts.length != 2 || parts[0].isBlank() || parts[0].length() > 32) {
                throw new IllegalArgumentException("audience.encryption.keys entries are id:base64key");
            }
            byte[] key;
            try {
                key = Base64.getDecoder().decode(parts[1].strip());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("audience.encryption key " + parts[0] + " is not base64");
            }
            if (key.length != 32) {
                throw new IllegalArgumentException("audience.encryption key " + parts[0] + " must be 32 bytes");
            }
            keys.put(parts[0].strip(), new SecretKeySpec(key, "AES"));
        }
        String active = activeKeyId == null || activeKeyId.isBlank() ? keys.keySet().iterator().next()
                : activeKeyId.strip();
        if (!keys.containsKey(active)) {
            throw new IllegalArgumentException("audience.encryption.active-key " + active + " is not in the key ring");
        }
        return new AttributeCipher(Map.copyOf(keys), active);
    }

    /** The id of the key new values are sealed with. */
    public String activeKeyId() {
        return activeKeyId;
    }

    /** Seals the normalized value's JSON text for one attribute definition of one tenant. */
    public Sealed seal(String json, String companyId, String applicationId, String definitionId) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, keys.get(activeKeyId), new GCMParameterSpec(TAG_BITS, iv));
            cipher.updateAAD(aad(companyId, applicationId, definitionId));
            byte[] sealed = cipher.doFinal(json.getBytes(StandardCharsets.UTF_8));
            byte[] out = new byte[IV_BYTES + sealed.length];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            System.arraycopy(sealed, 0, out, IV_BYTES, sealed.length);
            return new Sealed(activeKeyId, out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /**
     * Opens a sealed value back to its JSON text; throws {@link IllegalStateException} when its key is not in the ring
     * or it was not sealed for this tenant and definition (tampered or moved).
     */
    public String open(String keyId, byte[] bytes, String companyId, String applicationId, String definitionId) {
        SecretKeySpec key = keys.get(keyId);
        if (key == null) {
            throw new IllegalStateException("the value was sealed with key " + keyId + ", which is not configured");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, bytes, 0, IV_BYTES));
            cipher.updateAAD(aad(companyId, applicationId, definitionId));
            return new String(cipher.doFinal(bytes, IV_BYTES, bytes.length - IV_BYTES), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the sealed value does not open with key " + keyId, e);
        }
    }

    /**
     * {@link #seal} as one text, {@code keyId:base64}: for a sealed value that travels inside JSON (an attribute bulk
     * update's job params), so it is never stored in clear on its way to the worker.
     */
    public String sealText(String json, String companyId, String applicationId, String definitionId) {
        Sealed sealed = seal(json, companyId, applicationId, definitionId);
        return sealed.keyId() + ":" + Base64.getEncoder().encodeToString(sealed.bytes());
    }

    /** Opens a {@link #sealText} back to its JSON text; the same failures as {@link #open}. */
    public String openText(String text, String companyId, String applicationId, String definitionId) {
        int colon = text.indexOf(':');
        if (colon <= 0) {
            throw new IllegalStateException("a sealed text is keyId:base64");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(text.substring(colon + 1));
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("a sealed text is keyId:base64", e);
        }
        return open(text.substring(0, colon), bytes, companyId, applicationId, definitionId);
    }

    private static byte[] aad(String companyId, String applicationId, String definitionId) {
        return (companyId + "\u0000" + applicationId + "\u0000" + definitionId).getBytes(StandardCharsets.UTF_8);
    }
}
