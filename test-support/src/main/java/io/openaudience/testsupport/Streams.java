package io.openaudience.testsupport;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Input streams for files too large to hold: the parts are generated or chained as they are read. */
public final class Streams {

    private Streams() {
    }

    /** The UTF-8 bytes of {@code text}. */
    public static InputStream text(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    /** {@code size} bytes, each the ASCII character {@code c}, generated as they are read (never held). */
    public static InputStream repeated(char c, long size) {
        if (c > 0x7F) {
            throw new IllegalArgumentException("one byte per character: ASCII only");
        }
        byte b = (byte) c;
        return new InputStream() {
            private long left = size;

            @Override
            public int read() {
                return left-- > 0 ? b : -1;
            }

            @Override
            public int read(byte[] buf, int off, int len) {
                if (left <= 0) {
                    return -1;
                }
                int n = (int) Math.min(len, left);
                Arrays.fill(buf, off, off + n, b);
                left -= n;
                return n;
            }
        };
    }

    /** The parts one after the other. */
    public static InputStream concat(InputStream... parts) {
        InputStream all = parts[0];
        for (int i = 1; i < parts.length; i++) {
            all = new SequenceInputStream(all, parts[i]);
        }
        return all;
    }
}
