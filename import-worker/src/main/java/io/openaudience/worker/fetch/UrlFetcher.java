package io.openaudience.worker.fetch;

import io.openaudience.worker.config.WorkerConfig;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Fetches a job's {@code file_url} as a stream: http or https only; each host (the first and every redirect's, at
 * most {@code max-redirects}) is resolved once and checked by {@link AddressGuard}, and the connection goes to exactly
 * that address (Vert.x {@link RequestOptions#setServer}) while the Host header, TLS SNI and certificate check use the
 * URL's host name. Size and time are capped; the body is handed to the parser as it arrives, never held whole.
 */
@ApplicationScoped
public class UrlFetcher {

    private final Vertx vertx;
    private final WorkerConfig.Fetch settings;
    private final AddressGuard guard;
    private final HttpClient client;

    @Inject
    public UrlFetcher(Vertx vertx, WorkerConfig config) {
        this(vertx, config.fetch(), AddressGuard.SYSTEM);
    }

    /** A fetcher resolving host names with {@code resolver} (tests give a fixed table). */
    public UrlFetcher(Vertx vertx, WorkerConfig.Fetch settings, AddressGuard.Resolver resolver) {
        this.vertx = vertx;
        this.settings = settings;
        this.guard = new AddressGuard(settings.allowedHosts().orElse(List.of()), resolver);
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, settings.connectTimeout().toMillis()))
                .setKeepAlive(false)
                .setVerifyHost(true)
                .setTrustAll(false));
    }

    /**
     * The body of the file at {@code url}, streamed; throws {@link FetchFailedException} with a reason a client can
     * read (refused host, HTTP status, too large, too slow) when it cannot be fetched. The stream throws it too when
     * the download fails later on.
     */
    public InputStream open(String url) {
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        String timeoutReason = "fetching the file took longer than " + settings.timeout().toSeconds() + " s";
        URI uri = parse(url);
        for (int redirects = 0; ; redirects++) {
            ResponseInputStream body = new ResponseInputStream(settings.maxBytes(), deadline, timeoutReason);
            HttpClientResponse response = send(uri, body, deadline, timeoutReason);
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
                if (length != null && tooLong(length)) {
                    body.fail(new FetchFailedException("the file is larger than " + settings.maxBytes() + " bytes"));
                }
                return body;
            }
            String location = response.getHeader(HttpHeaders.LOCATION);
            if (!redirect(status) || location == null) {
                throw new FetchFailedException("fetching the file failed: HTTP " + status + " from " + uri.getHost());
            }
            if (redirects >= settings.maxRedirects()) {
                throw new FetchFailedException("fetching the file failed: more than " + settings.maxRedirects()
                        + " redirects");
            }
            try {
                uri = parse(uri.resolve(location.strip()).toString());
            } catch (IllegalArgumentException e) {
                throw new FetchFailedException("fetching the file failed: a redirect to an invalid URL");
            }
        }
    }

    private HttpClientResponse send(URI uri, ResponseInputStream body, long deadline, String timeoutReason) {
        String host = uri.getHost();
        InetAddress address = guard.addressOf(host);
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.GET)
                .setHost(unbracketed(host))
                .setPort(port)
                .setURI(path)
                .setSsl(tls)
                .setFollowRedirects(false)
                // Connect to the address just checked, not to whatever the name resolves to a second time.
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(address, port)))
                .putHeader(HttpHeaders.ACCEPT, "text/csv, text/plain;q=0.9, */*;q=0.5");
        CompletableFuture<HttpClientResponse> head = new CompletableFuture<>();
        // Sent from an event-loop context of its own, so that the response's head is handed over on that context in
        // the same task that received it: the body's handler is set before any of its data is dispatched.
        Context context = vertx.getOrCreateContext();
        context.runOnContext(v -> client.request(options).compose(HttpClientRequest::send).onComplete(ar -> {
            if (ar.failed()) {
                head.completeExceptionally(ar.cause());
                return;
            }
            HttpClientResponse response = ar.result();
            try {
                if (response.statusCode() / 100 == 2) {
                    body.attach(response);
                } else {
                    discard(response);
                }
            } catch (IllegalStateException e) {
                // The response was over before it could be read: never pretend that nothing was in it.
                body.fail(new FetchFailedException("the download of the file broke off before it could be read"));
            }
            head.complete(response);
        }));
        try {
            return head.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            head.thenAccept(UrlFetcher::discard);
            throw new FetchFailedException(timeoutReason);
        } catch (ExecutionException e) {
            throw new FetchFailedException("cannot fetch the file from " + host + ": "
                    + ResponseInputStream.describe(e.getCause()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FetchFailedException("fetching the file was interrupted");
        }
    }

    /** Drops a response whose body is not wanted (an error page, a redirect) by resetting its request. */
    private static void discard(HttpClientResponse response) {
        try {
            response.exceptionHandler(ignored -> { });
            response.request().reset();
        } catch (IllegalStateException e) {
            // Already over: nothing left to drop.
        }
    }

    private boolean tooLong(String contentLength) {
        try {
            return Long.parseLong(contentLength.strip()) > settings.maxBytes();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean redirect(int status) {
        return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    }

    /** The URL if it is an absolute http(s) URL with a host; else the job fails saying so. */
    private static URI parse(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException | NullPointerException e) {
            throw new FetchFailedException("file_url is not a valid URL");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new FetchFailedException("file_url must be an http or https URL");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new FetchFailedException("file_url has no host");
        }
        return uri;
    }

    private static String unbracketed(String host) {
        return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    }

    @PreDestroy
    void close() {
        client.close();
    }
}
