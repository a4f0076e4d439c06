package io.openaudience.worker;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A local HTTP server on 127.0.0.1 (never any other address) that serves the files tests put on it, answers 404 for
 * the rest, and can redirect, stall, or stream a body without a length: where a job's {@code file_url} points.
 */
public final class FileServer implements AutoCloseable {

    /** What the server answers for one path. */
    public interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private final HttpServer server;
    private final Map<String, Handler> handlers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();

    public FileServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 16);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "file-server");
            t.setDaemon(true);
            return t;
        }));
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestURI() + " Host=" + exchange.getRequestHeaders().getFirst("Host"));
                Handler h = handlers.get(exchange.getRequestURI().getPath());
                if (h == null) {
                    exchange.sendResponseHeaders(404, -1);
                } else {
                    h.handle(exchange);
                }
            } catch (IOException e) {
                // The client went away (a refused size, a timeout): nothing to answer.
            }
        });
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The URL of a path on this server, by its address. */
    public String url(String path) {
        return "http://127.0.0.1:" + port() + path;
    }

    /** Serves the bytes at the path, with their length. */
    public FileServer file(String path, byte[] body) {
        return on(path, exchange -> {
            exchange.getResponseHeaders().set("Content-Type", "text/csv");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
    }

    /** Streams {@code size} bytes of CSV-ish text at the path without announcing a length (chunked). */
    public FileServer unsized(String path, long size) {
        return on(path, exchange -> {
            exchange.sendResponseHeaders(200, 0);
            byte[] line = "x@example.com\n".getBytes();
            try (OutputStream out = exchange.getResponseBody()) {
                for (long sent = 0; sent < size; sent += line.length) {
                    out.write(line);
                }
            }
        });
    }

    /** Redirects the path to {@code location} with the status. */
    public FileServer redirect(String path, int status, String location) {
        return on(path, exchange -> {
            exchange.getResponseHeaders().set("Location", location);
            exchange.sendResponseHeaders(status, -1);
        });
    }

    public FileServer on(String path, Handler handler) {
        handlers.put(path, handler);
        return this;
    }

    /** The requests served so far: path and query, then the Host header. */
    public List<String> requests() {
        return requests;
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
