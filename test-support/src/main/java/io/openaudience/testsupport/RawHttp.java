package io.openaudience.testsupport;

import io.restassured.RestAssured;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A GET written byte for byte on a socket to the application under test, for request targets that HTTP clients refuse
 * to send (a broken percent-escape, {@code %00}): the status and body of the answer.
 */
public final class RawHttp {

    private RawHttp() {
    }

    /**
     * Sends {@code GET target} with the given extra header lines (each ending in CRLF) and returns {status, body}.
     * The port is rest-assured's, which {@code @QuarkusTest} sets to the application's.
     */
    public static String[] get(String target, String headerLines) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", RestAssured.port)) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + headerLines
                    + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            in.transferTo(all);
            String response = all.toString(StandardCharsets.UTF_8);
            int headEnd = response.indexOf("\r\n\r\n");
            String status = response.substring(9, 12);
            String body = headEnd < 0 ? "" : response.substring(headEnd + 4);
            if (response.substring(0, Math.max(headEnd, 0)).toLowerCase().contains("transfer-encoding: chunked")) {
                body = dechunk(body);
            }
            return new String[]{status, body};
        }
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
