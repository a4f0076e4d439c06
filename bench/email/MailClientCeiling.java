import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.mail.MailClient;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;

import java.lang.management.ManagementFactory;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The ceiling of the sending path alone: the Vert.x mail client that quarkus-mailer is built on, with no database, no
 * Kafka and no template, sends N ready messages (HTML + text alternative, about the service's size) to an SMTP server
 * with CONCURRENCY sessions kept open, as fast as it can. Prints msg/s and this JVM's CPU time per message.
 *
 * <p>Run with the notification-service jars on the class path (see run-sink.sh):
 * {@code java -cp 'notification-service/target/quarkus-app/lib/main/*' bench/email/MailClientCeiling.java PORT N CONCURRENCY}
 */
public class MailClientCeiling {

    public static void main(String[] args) throws Exception {
        int port = Integer.parseInt(args[0]);
        int total = Integer.parseInt(args[1]);
        int concurrency = Integer.parseInt(args[2]);
        Vertx vertx = Vertx.vertx();
        MailClient client = MailClient.createShared(vertx, new MailConfig().setHostname("127.0.0.1").setPort(port)
                .setStarttls(StartTLSOptions.DISABLED).setKeepAlive(true).setMaxPoolSize(concurrency), "ceiling");
        String html = "<html><body><p>Hello {firstName},</p>" + "<p>Lorem ipsum dolor sit amet. </p>".repeat(20)
                + "<p><a href=\"https://example.invalid/unsubscribe?token=abc\">Unsubscribe</a></p></body></html>";
        String text = "Hello,\n\n" + "Lorem ipsum dolor sit amet.\n".repeat(20) + "\nUnsubscribe: https://example.invalid/u\n";

        run(client, 2_000, concurrency, html, text); // warm-up (JIT, pool)
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        int failed = run(client, total, concurrency, html, text);
        long ns = System.nanoTime() - t0;
        long cpu = os.getProcessCpuTime() - cpu0;
        System.out.printf("vert.x mail client alone: %d messages in %d ms = %.0f msg/s, %.3f ms CPU per message, "
                + "%d failed%n", total, ns / 1_000_000, total * 1e9 / ns, cpu / 1e6 / total, failed);
        client.close();
        vertx.close();
    }

    private static int run(MailClient client, int total, int concurrency, String html, String text)
            throws InterruptedException {
        CountDownLatch done = new CountDownLatch(total);
        AtomicInteger next = new AtomicInteger();
        AtomicLong failed = new AtomicLong();
        for (int i = 0; i < concurrency; i++) {
            sendNext(client, total, next, done, failed, html, text);
        }
        done.await();
        return (int) failed.get();
    }

    private static void sendNext(MailClient client, int total, AtomicInteger next, CountDownLatch done,
                                 AtomicLong failed, String html, String text) {
        int n = next.getAndIncrement();
        if (n >= total) {
            return;
        }
        MailMessage m = new MailMessage().setFrom("bench@bench.example").setTo("r" + n + "@bench.example")
                .setSubject("Ceiling " + n).setText(text).setHtml(html);
        Future<?> f = client.sendMail(m);
        f.onComplete(r -> {
            if (r.failed()) {
                failed.incrementAndGet();
            }
            done.countDown();
            sendNext(client, total, next, done, failed, html, text);
        });
    }
}
