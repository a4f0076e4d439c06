package io.openaudience.notification.service;

import io.openaudience.notification.config.NotificationConfig;
import io.openaudience.notification.repository.LedgerRepository.ClaimedRecipient;
import io.openaudience.notification.repository.LedgerRepository.MailContent;
import io.quarkus.mailer.Mail;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds one recipient's mail: the request's body with its placeholders ({@code {firstName}}, {@code {email}},
 * {@code {unsubscribeUrl}}) filled in, inside the Qute layouts (HTML and plain text) that add the unsubscribe
 * footer, plus the {@code List-Unsubscribe} headers. A re-invite without a subject or body uses the invitation
 * templates. Placeholder values are escaped in HTML; the body itself is the tenant's own HTML.
 */
@ApplicationScoped
public class MailComposer {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(firstName|email|unsubscribeUrl)}");
    private static final String INVITATION_SUBJECT = "You are invited to join";

    private final Template html;
    private final Template text;
    private final Template invitationHtml;
    private final Template invitationText;
    private final UnsubscribeTokens tokens;
    private final String unsubscribeBase;

    public MailComposer(@Location("mail/message.html") Template html, @Location("mail/message.txt") Template text,
                        @Location("mail/invitation.html") Template invitationHtml,
                        @Location("mail/invitation.txt") Template invitationText,
                        UnsubscribeTokens tokens, NotificationConfig config) {
        this.html = html;
        this.text = text;
        this.invitationHtml = invitationHtml;
        this.invitationText = invitationText;
        this.tokens = tokens;
        this.unsubscribeBase = config.publicUrl().replaceAll("/+$", "") + "/api/v2/notifications/unsubscribe?token=";
    }

    public Mail compose(MailContent content, ClaimedRecipient recipient) {
        String firstName = recipient.firstName() == null || recipient.firstName().isBlank() ? "there"
                : recipient.firstName();
        String unsubscribeUrl = unsubscribeBase + URLEncoder.encode(
                tokens.issue(content.subscriptionId(), content.initiativeId(), recipient.email()),
                StandardCharsets.UTF_8);
        Map<String, String> values = Map.of("firstName", firstName, "email", recipient.email(),
                "unsubscribeUrl", unsubscribeUrl);
        boolean invitation = content.body() == null || content.body().isBlank();
        String subject = content.subject() == null || content.subject().isBlank() ? INVITATION_SUBJECT
                : fill(content.subject(), values, false);
        String htmlBody;
        String textBody;
        if (invitation) {
            htmlBody = invitationHtml.data("firstName", firstName).data("email", recipient.email())
                    .data("unsubscribeUrl", unsubscribeUrl).render();
            textBody = invitationText.data("firstName", firstName).data("email", recipient.email())
                    .data("unsubscribeUrl", unsubscribeUrl).render();
        } else {
            htmlBody = html.data("body", fill(content.body(), values, true)).data("unsubscribeUrl", unsubscribeUrl)
                    .render();
            textBody = text.data("body", plainText(fill(content.body(), values, false)))
                    .data("unsubscribeUrl", unsubscribeUrl).render();
        }
        return Mail.withHtml(recipient.email(), subject, htmlBody)
                .setText(textBody)
                .addHeader("List-Unsubscribe", "<" + unsubscribeUrl + ">")
                .addHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click")
                .addHeader("X-Notification-Id", content.id().toString())
                .addHeader("X-Recipient-Id", String.valueOf(recipient.userId()));
    }

    static String fill(String template, Map<String, String> values, boolean escapeHtml) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder(template.length() + 64);
        while (m.find()) {
            String value = values.get(m.group(1));
            m.appendReplacement(out, Matcher.quoteReplacement(escapeHtml ? escape(value) : value));
        }
        m.appendTail(out);
        return out.toString();
    }

    /** The plain-text alternative of an HTML body: line breaks kept, tags dropped, the common entities decoded. */
    static String plainText(String html) {
        return html.replaceAll("(?i)<br\\s*/?>", "\n")
                .replaceAll("(?i)</(p|div|h[1-6]|ul|ol|table)>", "\n\n")
                .replaceAll("(?i)</(li|tr)>", "\n")
                .replaceAll("<[^>]*>", "")
                .replaceAll("\n{3,}", "\n\n")
                .replace("&nbsp;", " ").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
                .replace("&#39;", "'").replace("&amp;", "&")
                .strip();
    }

    private static String escape(String value) {
        return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;")
                .replace("'", "&#39;");
    }
}
