package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import io.openaudience.notification.repository.LedgerRepository.ClaimedRecipient;
import io.openaudience.notification.repository.LedgerRepository.MailContent;
import io.openaudience.common.mail.EmailTemplate;
import io.openaudience.notification.client.SmtpClient;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.vertx.core.MultiMap;
import io.vertx.ext.mail.MailMessage;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * Builds one recipient's mail: the request's subject and body rendered by the contract's Qute renderer
 * ({@link EmailTemplate}, the one segments-service validated them with), inside the Qute layouts (HTML and plain
 * text) that add the unsubscribe footer, plus the {@code List-Unsubscribe} headers. A re-invite without a subject or
 * body uses the invitation templates. Placeholder values are escaped in HTML; the body itself is the tenant's own
 * HTML. No header value carries a control character (CR/LF would start a header of the recipient's choosing).
 */
@ApplicationScoped
public class MailComposer {

    private static final String INVITATION_SUBJECT = "You are invited to join";
    private static final Pattern CONTROL = Pattern.compile("[\\x00-\\x1F\\x7F]+");
    /* plainText's rules, compiled once (String.replaceAll compiles its pattern on every call, for every mail). */
    private static final Pattern BREAK = Pattern.compile("(?i)<br\\s*/?>");
    private static final Pattern BLOCK_END = Pattern.compile("(?i)</(p|div|h[1-6]|ul|ol|table)>");
    private static final Pattern ROW_END = Pattern.compile("(?i)</(li|tr)>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern BLANK_LINES = Pattern.compile("\n{3,}");
    /* Parsed templates of the notifications being sent; a handful at a time, so a small cache is plenty. */
    private static final int CACHED_NOTIFICATIONS = 256;

    private final Template html;
    private final Template text;
    private final Template invitationHtml;
    private final Template invitationText;
    private final UnsubscribeTokens tokens;
    private final String unsubscribeBase;
    private final String from;
    private final Map<UUID, Parsed> parsed = new ConcurrentHashMap<>();

    public MailComposer(@Location("mail/message.html") Template html, @Location("mail/message.txt") Template text,
                        @Location("mail/invitation.html") Template invitationHtml,
                        @Location("mail/invitation.txt") Template invitationText,
                        UnsubscribeTokens tokens, NotificationConfig config, SmtpClient smtp) {
        this.html = html;
        this.text = text;
        this.invitationHtml = invitationHtml;
        this.invitationText = invitationText;
        this.tokens = tokens;
        this.from = headerValue(smtp.from());
        this.unsubscribeBase = config.publicUrl().replaceAll("/+$", "") + "/api/v2/notifications/unsubscribe?token=";
    }

    /** The recipient's mail; a {@link RuntimeException} when the request's template cannot be rendered. */
    public MailMessage compose(MailContent content, ClaimedRecipient recipient) {
        String firstName = recipient.firstName();
        String unsubscribeUrl = unsubscribeBase + URLEncoder.encode(
                tokens.issue(content.subscriptionId(), content.initiativeId(), recipient.email()),
                StandardCharsets.UTF_8);
        boolean invitation = content.body() == null || content.body().isBlank();
        String subject;
        String htmlBody;
        String textBody;
        if (invitation) {
            String name = firstName == null || firstName.isBlank() ? "there" : firstName;
            subject = INVITATION_SUBJECT;
            htmlBody = invitationHtml.data("firstName", name).data("email", recipient.email())
                    .data("unsubscribeUrl", unsubscribeUrl).render();
            textBody = invitationText.data("firstName", name).data("email", recipient.email())
                    .data("unsubscribeUrl", unsubscribeUrl).render();
        } else {
            Parsed templates = parsed(content);
            subject = templates.subject() == null ? INVITATION_SUBJECT
                    : templates.subject().render(firstName, recipient.email());
            String body = templates.body().render(firstName, recipient.email());
            htmlBody = html.data("body", body).data("unsubscribeUrl", unsubscribeUrl).render();
            textBody = text.data("body", plainText(body)).data("unsubscribeUrl", unsubscribeUrl).render();
        }
        MultiMap headers = MultiMap.caseInsensitiveMultiMap()
                .add("List-Unsubscribe", "<" + headerValue(unsubscribeUrl) + ">")
                .add("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
                .add("X-Notification-Id", content.id().toString())
                .add("X-Recipient-Id", String.valueOf(recipient.userId()));
        return new MailMessage().setFrom(from).setTo(headerValue(recipient.email())).setSubject(headerValue(subject))
                .setHtml(htmlBody).setText(textBody).setHeaders(headers);
    }

    private Parsed parsed(MailContent content) {
        Parsed cached = parsed.get(content.id());
        if (cached != null) {
            return cached;
        }
        if (parsed.size() >= CACHED_NOTIFICATIONS) {
            parsed.clear();
        }
        Parsed fresh = new Parsed(content.subject() == null || content.subject().isBlank() ? null
                : EmailTemplate.subject(content.subject()), EmailTemplate.body(content.body()));
        parsed.put(content.id(), fresh);
        return fresh;
    }

    /** A header value on one line: runs of control characters (CR, LF, NUL, tab…) become one space. */
    static String headerValue(String value) {
        return CONTROL.matcher(value).replaceAll(" ").strip();
    }

    /** The plain-text alternative of an HTML body: line breaks kept, tags dropped, the common entities decoded. */
    static String plainText(String html) {
        String text = BREAK.matcher(html).replaceAll("\n");
        text = BLOCK_END.matcher(text).replaceAll("\n\n");
        text = ROW_END.matcher(text).replaceAll("\n");
        text = TAG.matcher(text).replaceAll("");
        text = BLANK_LINES.matcher(text).replaceAll("\n\n");
        return text.replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&")
                .strip();
    }

    /** A notification's subject (null: the invitation's) and body, parsed once. */
    private record Parsed(EmailTemplate subject, EmailTemplate body) {
    }
}
