package io.openaudience.notification.client;

import io.openaudience.notification.config.NotificationConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.mail.LoginOption;
import io.vertx.ext.mail.MailConfig;
import io.vertx.ext.mail.MailMessage;
import io.vertx.ext.mail.StartTLSOptions;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.ext.mail.MailClient;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.Config;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The pool of SMTP connections the dispatcher sends through: the Vert.x mail client under quarkus-mailer, configured
 * from the same {@code quarkus.mailer.*} keys, plus what quarkus-mailer does not expose: a connect timeout and a
 * read timeout (the socket's idle timeout), so a server that accepts and then stalls fails the send and frees the
 * connection instead of holding it for good.
 */
@ApplicationScoped
public class SmtpClient {

    private final MailClient client;
    private final String from;

    public SmtpClient(Vertx vertx, Config config, NotificationConfig settings) {
        MailConfig mail = new MailConfig()
                .setHostname(config.getOptionalValue("quarkus.mailer.host", String.class).orElse("localhost"))
                .setPort(config.getOptionalValue("quarkus.mailer.port", Integer.class).orElse(25))
                .setSsl(config.getOptionalValue("quarkus.mailer.ssl", Boolean.class).orElse(false))
                .setTrustAll(config.getOptionalValue("quarkus.mailer.trust-all", Boolean.class).orElse(false))
                .setStarttls(StartTLSOptions.valueOf(config.getOptionalValue("quarkus.mailer.start-tls", String.class)
                        .orElse("OPTIONAL").toUpperCase(Locale.ROOT)))
                .setLogin(LoginOption.valueOf(config.getOptionalValue("quarkus.mailer.login", String.class)
                        .orElse("NONE").toUpperCase(Locale.ROOT)))
                .setKeepAlive(config.getOptionalValue("quarkus.mailer.keep-alive", Boolean.class).orElse(true))
                .setMaxPoolSize(config.getOptionalValue("quarkus.mailer.max-pool-size", Integer.class)
                        .orElse(settings.concurrency()))
                .setConnectTimeout((int) settings.smtpConnectTimeout().toMillis())
                .setIdleTimeout((int) settings.smtpReadTimeout().toMillis())
                .setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
        config.getOptionalValue("quarkus.mailer.username", String.class).ifPresent(mail::setUsername);
        config.getOptionalValue("quarkus.mailer.password", String.class).ifPresent(mail::setPassword);
        this.client = MailClient.create(vertx, mail);
        this.from = config.getOptionalValue("quarkus.mailer.from", String.class).orElse("no-reply@localhost");
    }

    /** The sender address of every mail ({@code quarkus.mailer.from}). */
    public String from() {
        return from;
    }

    /** Sends one message; fails with {@link io.vertx.ext.mail.SMTPException} when the server refused it. */
    public Uni<Void> send(MailMessage message) {
        return client.sendMail(message).replaceWithVoid();
    }

    @PreDestroy
    void close() {
        client.closeAndAwait();
    }
}
