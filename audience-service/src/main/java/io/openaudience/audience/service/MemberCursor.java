package io.openaudience.audience.service;

import io.openaudience.common.error.ApiException;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;

/**
 * The opaque cursor of a group's member pages (row 19): a position in member key order ({@code user_pk}), the group
 * and the number of the page it leads to, with a check that makes a tampered or garbage cursor a 400.
 */
public record MemberCursor(String groupId, long position, int page) {

    private static final byte VERSION = 1;
    private static final int BODY = 1 + 12 + 8 + 4;
    // A digest, not a secret MAC: a forged cursor can only name a position in a group the caller may read anyway.
    private static final int CHECK = 8;
    private static final byte[] DOMAIN = "audience.group-members.v1".getBytes(StandardCharsets.US_ASCII);

    /** The text a client sends back as {@code cursor}. */
    public String encode() {
        ByteBuffer body = ByteBuffer.allocate(BODY + CHECK);
        body.put(VERSION).put(HexFormat.of().parseHex(groupId)).putLong(position).putInt(page);
        body.put(check(body.array()), 0, CHECK);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.array());
    }

    /** The cursor of {@code text} if it is intact; else a 400 naming cursor. */
    public static MemberCursor decode(String text) {
        byte[] bytes;
        try {
            bytes = text.length() > 64 ? null : Base64.getUrlDecoder().decode(text);
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != BODY + CHECK || bytes[0] != VERSION
                || !MessageDigest.isEqual(Arrays.copyOfRange(bytes, BODY, BODY + CHECK),
                Arrays.copyOf(check(bytes), CHECK))) {
            throw ApiException.badRequest("cursor", "is not a cursor this API returned (garbled or changed)");
        }
        ByteBuffer body = ByteBuffer.wrap(bytes);
        body.get();
        byte[] group = new byte[12];
        body.get(group);
        return new MemberCursor(HexFormat.of().formatHex(group), body.getLong(), body.getInt());
    }

    /** A 400 naming cursor unless the cursor was made for the member list of {@code groupId}. */
    public void requireGroup(String groupId) {
        if (!this.groupId.equals(groupId)) {
            throw ApiException.badRequest("cursor", "belongs to another group's member list");
        }
    }

    private static byte[] check(byte[] bytes) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(DOMAIN);
            sha.update(bytes, 0, BODY);
            return sha.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
