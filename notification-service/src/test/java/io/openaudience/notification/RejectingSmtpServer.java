package io.openaudience.notification;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A real SMTP server on a socket that answers {@code 550} to every recipient whose address starts with
 * {@code bounce} and accepts the others (remembering who got a message): the permanent failures GreenMail cannot
 * produce. A message to an address starting with {@code stall} gets no answer after its DATA the first time (the
 * server hangs until the client gives up and closes). Speaks plain SMTP without extensions, one connection per
 * thread. The client's read timeout is set short here, so a stalled send is cut off by it, not by the send deadline.
 */
public class RejectingSmtpServer implements QuarkusTestResourceLifecycleManager {

    /** Addresses whose message this server accepted (DATA completed). */
    public static final Set<String> ACCEPTED = ConcurrentHashMap.newKeySet();
    /** Addresses whose first message the server never answered, and whose connection the client then closed. */
    public static final Set<String> CLOSED_WHILE_STALLED = ConcurrentHashMap.newKeySet();
    private static final Set<String> STALLED = ConcurrentHashMap.newKeySet();

    private ServerSocket server;
    private ExecutorService threads;

    @Override
    public Map<String, String> start() {
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        threads = Executors.newCachedThreadPool();
        threads.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    threads.submit(() -> serve(socket));
                } catch (IOException e) {
                    return;
                }
            }
        });
        return Map.of("quarkus.mailer.host", "127.0.0.1", "quarkus.mailer.port",
                String.valueOf(server.getLocalPort()), "quarkus.mailer.mock", "false",
                "notification-service.smtp-read-timeout", "1s");
    }

    private static void serve(Socket socket) {
        try (socket; BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.US_ASCII)); OutputStream out = socket.getOutputStream()) {
            reply(out, "220 rejecting.test ESMTP");
            String recipient = null;
            String line;
            while ((line = in.readLine()) != null) {
                String command = line.toUpperCase(Locale.ROOT);
                if (command.startsWith("EHLO") || command.startsWith("HELO")) {
                    reply(out, "250 rejecting.test");
                } else if (command.startsWith("RCPT TO:")) {
                    String address = line.substring(8).trim().replaceAll("[<>]", "");
                    if (address.startsWith("bounce")) {
                        reply(out, "550 5.1.1 <" + address + ">: mailbox unavailable");
                    } else {
                        recipient = address;
                        reply(out, "250 2.1.5 OK");
                    }
                } else if (command.equals("DATA")) {
                    reply(out, "354 end with <CRLF>.<CRLF>");
                    while ((line = in.readLine()) != null && !line.equals(".")) {
                        // the message itself is not kept
                    }
                    if (recipient != null && recipient.startsWith("stall") && STALLED.add(recipient)) {
                        while (in.read() >= 0) {
                            // no answer: wait for the client to give up
                        }
                        CLOSED_WHILE_STALLED.add(recipient);
                        return;
                    }
                    ACCEPTED.add(recipient);
                    reply(out, "250 2.0.0 queued");
                } else if (command.equals("QUIT")) {
                    reply(out, "221 bye");
                    return;
                } else {
                    reply(out, "250 OK"); // MAIL FROM, RSET, NOOP
                }
            }
        } catch (IOException e) {
            // the client went away
        }
    }

    private static void reply(OutputStream out, String line) throws IOException {
        out.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    @Override
    public void stop() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        threads.shutdownNow();
    }
}
