package io.openaudience.common.mail;

import io.openaudience.common.error.FieldError;
import io.quarkus.qute.Engine;
import io.quarkus.qute.Expression;
import io.quarkus.qute.HtmlEscaper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateException;
import io.quarkus.qute.Variant;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The subject or body of a tenant's mail as a Qute template: the one renderer segments-service validates a request
 * with and notification-service fills each recipient's mail with, so whatever is accepted is mailed as Qute renders
 * it ({@code {firstName}}, {@code {#if firstName}…{#else}…{/if}}, {@code {firstName ?: 'there'}}). Placeholder values
 * are HTML-escaped in a body, never in a subject; rendering is strict (an expression that does not resolve fails).
 */
public final class EmailTemplate {

    public static final String FIRST_NAME = "firstName";
    public static final String EMAIL = "email";
    /** The values a template may use; notification-service fills exactly these per recipient. */
    public static final Set<String> PLACEHOLDERS = Set.of(FIRST_NAME, EMAIL);

    /* Only the built-in resolvers: no reflection, no namespaces (config:, inject:): a template reads nothing else. */
    private static final Engine ENGINE = Engine.builder().addDefaults().strictRendering(true)
            .addResultMapper(new HtmlEscaper(List.of(Variant.TEXT_HTML))).build();
    private static final Variant HTML = Variant.forContentType(Variant.TEXT_HTML);
    private static final Variant PLAIN = Variant.forContentType(Variant.TEXT_PLAIN);

    private final Template template;

    private EmailTemplate(Template template) {
        this.template = template;
    }

    /** A subject: plain text, values as they are. */
    public static EmailTemplate subject(String text) {
        return new EmailTemplate(parse(text, PLAIN));
    }

    /** A body: HTML, values escaped. */
    public static EmailTemplate body(String text) {
        return new EmailTemplate(parse(text, HTML));
    }

    /**
     * The problems of a subject ({@code html} false) or body as a request field: syntax, a placeholder other than
     * {@link #PLACEHOLDERS}, or an expression that does not render (tried with and without a first name).
     */
    public static List<FieldError> validate(String field, String text, boolean html) {
        List<FieldError> errors = new ArrayList<>();
        EmailTemplate template;
        try {
            template = new EmailTemplate(parse(text, html ? HTML : PLAIN));
        } catch (TemplateException e) {
            errors.add(FieldError.of(field, "is not a valid template: " + firstLine(e.getMessage())));
            return errors;
        }
        try {
            List<String> unknown = template.template.getExpressions().stream()
                    .filter(e -> !e.isLiteral() && !allowed(e))
                    .map(e -> "{" + e.toOriginalString() + "}")
                    .distinct().toList();
            if (!unknown.isEmpty()) {
                errors.add(FieldError.of(field, "unknown placeholder " + String.join(", ", unknown) + "; allowed: "
                        + new TreeSet<>(PLACEHOLDERS).stream().map(p -> "{" + p + "}")
                        .collect(Collectors.joining(", "))));
                return errors;
            }
            template.render("Ada", "ada@example.com");
            template.render(null, "ada@example.com");
        } catch (RuntimeException e) {
            errors.add(FieldError.of(field, "cannot be rendered: " + firstLine(e.getMessage())));
        }
        return errors;
    }

    /**
     * One recipient's text. A missing (or blank) first name is null: {@code {firstName}} renders nothing,
     * {@code {#if firstName}} takes its else branch and {@code {firstName ?: 'there'}} its default. Fails with a
     * {@link RuntimeException} when the template cannot be rendered.
     */
    public String render(String firstName, String email) {
        return template.data(FIRST_NAME, firstName == null || firstName.isBlank() ? null : firstName)
                .data(EMAIL, email == null ? "" : email)
                .render();
    }

    private static Template parse(String text, Variant variant) {
        return ENGINE.parse(text, variant);
    }

    private static boolean allowed(Expression expression) {
        return !expression.hasNamespace() && !expression.getParts().isEmpty()
                && PLACEHOLDERS.contains(expression.getParts().get(0).getName());
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "syntax error";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
