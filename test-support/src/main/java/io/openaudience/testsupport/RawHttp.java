package io.openaudience.testsupport;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Requests written byte for byte on a socket to the application under test, for what HTTP clients refuse to send (a
 * broken percent-escape, {@code %00}, a length the body does not have): the status and body of the answer.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends {@code GET target} with the given extra header lines (each ending in CRLF) and returns {status, body}.
     * The port is rest-assured's, which {@code @QuarkusTest} sets to the application's.
     */
    public static String[] get(String target, String headerLines) throws IOException {
        return exchange("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headerLines
                + "\r\n", out -> { });
    }

    /**
     * Sends {@code POST target} declaring {@code Content-Length: declaredLength} but writing only {@code sent}: a limit
     * on the declared length must answer without waiting for the rest. Returns {status, body}.
     */
    public static String[] postDeclaring(String target, String headerLines, long declaredLength, byte[] sent)
            throws IOException {
        return exchange("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headerLines
                + "Content-Length: " + declaredLength + "\r\n\r\n", out -> out.write(sent));
    }

    /** Sends {@code POST target} with a chunked body of {@code chunks} generated pieces; returns {status, body}. */
    public static String[] postChunked(String target, String headerLines, int chunks,
                                       java.util.function.IntFunction<byte[]> chunk) throws IOException {
        return exchange("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headerLines
                + "Transfer-Encoding: chunked\r\n\r\n", out -> {
            for (int i = 0; i < chunks; i++) {
                byte[] piece = chunk.apply(i);
                out.write((Integer.toHexString(piece.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(piece);
                out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        });
    }

    /**
     * Streams {@code POST target} with a chunked body ({@code first}, then {@code piece} again and again, up to
     * {@code maxBytes}) while reading the answer, and stops writing once the answer begins: a limit met while the
     * body streams in answers long before {@code maxBytes}. {@code sentWhenAnswered} counts the body bytes the client
     * had handed to its socket by then (the server has read at most that); {@code closed} says whether the server
     * closed the (keep-alive) connection after answering, rather than reading on.
     */
    public static Streamed postChunkedUntilAnswered(String target, String headerLines, byte[] first, byte[] piece,
                                                    long maxBytes) throws IOException, InterruptedException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            // A keep-alive request, as most clients send: closing is the server's decision.
            out.write(("POST " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headerLines
                    + "Transfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            AtomicLong written = new AtomicLong();
            AtomicBoolean answered = new AtomicBoolean();
            Thread writer = new Thread(() -> {
                try {
                    byte[] next = first;
                    while (!answered.get() && written.get() < maxBytes) {
                        out.write((Integer.toHexString(next.length) + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                        out.write(next);
                        out.write("\r\n".getBytes(StandardCharsets.ISO_8859_1));
                        written.addAndGet(next.length);
                        next = piece;
                    }
                    if (!answered.get()) {
                        out.write("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    }
                    out.flush();
                } catch (IOException e) {
                    // the server closed the connection: what it answered is read below
                }
            }, "raw-http-writer");
            writer.setDaemon(true);
            writer.start();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            int first0 = in.read();
            long sent = written.get();
            answered.set(true);
            boolean closed = first0 < 0;
            if (!closed) {
                all.write(first0);
                // The rest of the answer; then the end of the stream if the server closes, else a quiet second.
                socket.setSoTimeout(1_000);
                byte[] buffer = new byte[8192];
                try {
                    for (int n; (n = in.read(buffer)) >= 0; ) {
                        all.write(buffer, 0, n);
                    }
                    closed = true;
                } catch (java.net.SocketTimeoutException e) {
                    closed = false;
                } catch (java.net.SocketException e) {
                    closed = true; // reset after the answer
                }
            }
            socket.close();
            writer.join(10_000);
            String[] parsed = parse(all.toString(StandardCharsets.UTF_8));
            return new Streamed(parsed[0], parsed[1], sent, closed);
        }
    }

    /** The answer to {@link #postChunkedUntilAnswered}. */
    public record Streamed(String status, String body, long sentWhenAnswered, boolean closed) {
    }

    private interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static String[] exchange(String head, Body body) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                body.write(out);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before the whole body is written (a limit): read its answer.
            }
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            try {
                in.transferTo(all);
            } catch (java.net.SocketException e) {
                // a reset after the answer was received
            }
            return parse(all.toString(StandardCharsets.UTF_8));
        }
    }

    /** {status, body} of an HTTP/1.1 answer. */
    private static String[] parse(String response) {
        int headEnd = response.indexOf("\r\n\r\n");
        String status = response.length() < 12 ? "" : response.substring(9, 12);
        String text = headEnd < 0 ? "" : response.substring(headEnd + 4);
        if (response.substring(0, Math.max(headEnd, 0)).toLowerCase().contains("transfer-encoding: chunked")) {
            text = dechunk(text);
        }
        return new String[]{status, text};
    }

    private static String dechunk(String chunked) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < chunked.length()) {
            int nl = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, nl).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(chunked, nl + 2, nl + 2 + size);
            i = nl + 2 + size + 2;
        }
        return out.toString();
    }
}
