package io.openaudience.worker.fetch;

import io.openaudience.worker.FileServer;
import io.openaudience.worker.config.WorkerConfig;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The fetcher against a local server on 127.0.0.1 (the only address any test sends traffic to). Host names come from
 * a fixed resolver table: {@code files.test} is 127.0.0.1, {@code lan.test} 10.0.0.5, {@code metadata.test}
 * 169.254.169.254; only 127.0.0.1 is allow-listed, so the others are refused before anything is sent.
 */
class UrlFetcherTest {

    private static Vertx vertx;
    private static FileServer server;

    @BeforeAll
    static void start() throws IOException {
        vertx = Vertx.vertx();
        server = new FileServer();
    }

    @AfterAll
    static void stop() {
        server.close();
        vertx.close().toCompletionStage().toCompletableFuture().join();
    }

    private static UrlFetcher fetcher(long maxBytes, Duration timeout) {
        return new UrlFetcher(vertx, settings(maxBytes, timeout), host -> switch (host) {
            case "files.test" -> new InetAddress[]{InetAddress.getByAddress(host, new byte[]{127, 0, 0, 1})};
            case "lan.test" -> new InetAddress[]{InetAddress.getByAddress(host, new byte[]{10, 0, 0, 5})};
            case "metadata.test" -> new InetAddress[]{InetAddress.getByAddress(host,
                    new byte[]{(byte) 169, (byte) 254, (byte) 169, (byte) 254})};
            default -> throw new UnknownHostException(host);
        });
    }

    private static UrlFetcher fetcher() {
        return fetcher(1 << 20, Duration.ofSeconds(20));
    }

    @Test
    void connectsToTheCheckedAddressAndSendsTheUrlsHostName() throws Exception {
        server.file("/members.csv", "email\na@example.com\n".getBytes(StandardCharsets.UTF_8));
        String url = "http://files.test:" + server.port() + "/members.csv?v=1";
        assertEquals("email\na@example.com\n", read(fetcher().open(url)));
        // files.test exists in no DNS: the request reached 127.0.0.1 only because the checked address was used.
        assertTrue(server.requests().contains("/members.csv?v=1 Host=files.test:" + server.port()),
                server.requests().toString());
    }

    @Test
    void smallAndEmptyResponsesArriveWholeEveryTime() throws Exception {
        server.file("/tiny.csv", "email\nt@example.com\n".getBytes(StandardCharsets.UTF_8));
        server.file("/empty.csv", new byte[0]);
        UrlFetcher fetcher = fetcher();
        for (int i = 0; i < 50; i++) {
            assertEquals("email\nt@example.com\n", read(fetcher.open(server.url("/tiny.csv"))));
            assertEquals("", read(fetcher.open(server.url("/empty.csv"))));
            assertTrue(assertThrows(FetchFailedException.class, () -> fetcher.open(server.url("/none")))
                    .getMessage().contains("HTTP 404"));
        }
    }

    @Test
    void aLargeBodyStreamsThroughUnchanged() throws Exception {
        byte[] body = new byte[5 * (1 << 20) + 123];
        new Random(7).nextBytes(body);
        server.file("/big.bin", body);
        try (InputStream in = fetcher(10 << 20, Duration.ofSeconds(30)).open(server.url("/big.bin"))) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) > 0; ) {
                out.write(buf, 0, n);
                if (out.size() < (2 << 20)) {
                    Thread.sleep(0, 1);
                }
            }
            assertArrayEquals(body, out.toByteArray());
        }
    }

    @Test
    void internalHostsAreRefusedBeforeAnyRequest() {
        int before = server.requests().size();
        assertEquals("the file_url host lan.test is a private address (10.0.0.5); only public addresses are fetched",
                assertThrows(FetchFailedException.class, () -> fetcher().open("http://lan.test/x.csv")).getMessage());
        assertTrue(assertThrows(FetchFailedException.class,
                () -> fetcher().open("https://metadata.test/latest/meta-data")).getMessage()
                .contains("a link-local address (169.254.169.254)"));
        assertTrue(assertThrows(FetchFailedException.class,
                () -> fetcher().open("http://[::1]:" + server.port() + "/x.csv")).getMessage()
                .contains("a loopback address"));
        assertTrue(assertThrows(FetchFailedException.class, () -> fetcher().open("http://[fd00::1]/x.csv"))
                .getMessage().contains("a unique-local address"));
        assertEquals(before, server.requests().size());
    }

    @Test
    void everyRedirectIsCheckedAgain() {
        server.redirect("/to-lan", 302, "http://lan.test/secret.csv");
        server.redirect("/to-metadata", 307, "http://169.254.169.254/latest/meta-data/");
        assertTrue(assertThrows(FetchFailedException.class, () -> fetcher().open(server.url("/to-lan")))
                .getMessage().contains("a private address (10.0.0.5)"));
        assertTrue(assertThrows(FetchFailedException.class, () -> fetcher().open(server.url("/to-metadata")))
                .getMessage().contains("a link-local address (169.254.169.254)"));
    }

    @Test
    void atMostThreeRedirects() throws Exception {
        server.file("/final.csv", "email\n".getBytes(StandardCharsets.UTF_8));
        server.redirect("/r1", 301, "/r2").redirect("/r2", 302, "http://files.test:" + server.port() + "/r3")
                .redirect("/r3", 308, "/final.csv");
        assertEquals("email\n", read(fetcher().open(server.url("/r1"))));
        server.redirect("/r0", 302, "/r1");
        assertEquals("fetching the file failed: more than 3 redirects",
                assertThrows(FetchFailedException.class, () -> fetcher().open(server.url("/r0"))).getMessage());
    }

    @Test
    void httpErrorsFailWithTheStatus() {
        assertEquals("fetching the file failed: HTTP 404 from 127.0.0.1",
                assertThrows(FetchFailedException.class, () -> fetcher().open(server.url("/missing.csv")))
                        .getMessage());
        server.on("/broken", exchange -> exchange.sendResponseHeaders(500, -1));
        assertTrue(assertThrows(FetchFailedException.class, () -> fetcher().open(server.url("/broken")))
                .getMessage().contains("HTTP 500"));
    }

    @Test
    void tooLargeByItsLengthOrAsItArrives() {
        server.file("/sized.csv", new byte[3000]);
        InputStream sized = fetcher(2000, Duration.ofSeconds(20)).open(server.url("/sized.csv"));
        assertEquals("the file is larger than 2000 bytes",
                assertThrows(FetchFailedException.class, sized::read).getMessage());
        server.unsized("/unsized.csv", 5L << 20);
        InputStream unsized = fetcher(1 << 20, Duration.ofSeconds(20)).open(server.url("/unsized.csv"));
        FetchFailedException e = assertThrows(FetchFailedException.class, () -> read(unsized));
        assertEquals("the file is larger than 1048576 bytes", e.getMessage());
    }

    @Test
    void aServerThatStallsTimesOut() {
        server.on("/stall-head", exchange -> sleep(5000));
        server.on("/stall-body", exchange -> {
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write("email\n".getBytes(StandardCharsets.UTF_8));
                out.flush();
                sleep(5000);
            }
        });
        UrlFetcher quick = fetcher(1 << 20, Duration.ofSeconds(1));
        assertEquals("fetching the file took longer than 1 s",
                assertThrows(FetchFailedException.class, () -> quick.open(server.url("/stall-head"))).getMessage());
        InputStream body = quick.open(server.url("/stall-body"));
        assertEquals("fetching the file took longer than 1 s",
                assertThrows(FetchFailedException.class, () -> read(body)).getMessage());
    }

    @Test
    void onlyHttpAndHttps() {
        assertEquals("file_url must be an http or https URL",
                assertThrows(FetchFailedException.class, () -> fetcher().open("ftp://files.test/a.csv")).getMessage());
        assertEquals("file_url must be an http or https URL",
                assertThrows(FetchFailedException.class, () -> fetcher().open("file:///etc/passwd")).getMessage());
        assertEquals("cannot resolve the file_url host nowhere.test",
                assertThrows(FetchFailedException.class, () -> fetcher().open("https://nowhere.test/a.csv"))
                        .getMessage());
    }

    private static String read(InputStream in) throws IOException {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static WorkerConfig.Fetch settings(long maxBytes, Duration timeout) {
        return new WorkerConfig.Fetch() {
            @Override
            public Optional<List<String>> allowedHosts() {
                return Optional.of(List.of("127.0.0.1"));
            }

            @Override
            public long maxBytes() {
                return maxBytes;
            }

            @Override
            public Duration connectTimeout() {
                return Duration.ofSeconds(5);
            }

            @Override
            public Duration timeout() {
                return timeout;
            }

            @Override
            public int maxRedirects() {
                return 3;
            }
        };
    }
}
