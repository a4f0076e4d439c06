package io.openaudience.common.audience;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** Fynd-style 24-hex ids (MongoDB ObjectId layout: 4 bytes of seconds, then 8 random bytes), made in Java. */
public final class ObjectIds {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Pattern SHAPE = Pattern.compile("[0-9a-f]{24}");

    private ObjectIds() {
    }

    public static String next() {
        byte[] bytes = new byte[12];
        int seconds = (int) (System.currentTimeMillis() / 1000);
        bytes[0] = (byte) (seconds >>> 24);
        bytes[1] = (byte) (seconds >>> 16);
        bytes[2] = (byte) (seconds >>> 8);
        bytes[3] = (byte) seconds;
        byte[] random = new byte[8];
        RANDOM.nextBytes(random);
        System.arraycopy(random, 0, bytes, 4, 8);
        return HexFormat.of().formatHex(bytes);
    }

    /** Whether the text has the shape of such an id (24 lower-case hex digits). */
    public static boolean isObjectId(String text) {
        return text != null && SHAPE.matcher(text).matches();
    }
}
