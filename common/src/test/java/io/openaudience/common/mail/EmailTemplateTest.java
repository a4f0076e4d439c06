package io.openaudience.common.mail;

import io.openaudience.common.error.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EmailTemplateTest {

    @Test
    void conditionalsRenderAsQuteRendersThem() {
        EmailTemplate body = EmailTemplate.body("<p>{#if firstName}Dear {firstName}{#else}Hello{/if}, {email}</p>");
        assertEquals("<p>Dear Ada, ada@x.org</p>", body.render("Ada", "ada@x.org"));
        assertEquals("<p>Hello, bo@x.org</p>", body.render(null, "bo@x.org"));
        assertEquals("<p>Hello, bo@x.org</p>", body.render("", "bo@x.org"));
        assertEquals("Hi there", EmailTemplate.subject("Hi {firstName ?: 'there'}").render(null, "a@x.org"));
        assertEquals("Hi there", EmailTemplate.subject("Hi {firstName.or('there')}").render("", "a@x.org"));
    }

    @Test
    void valuesAreEscapedInBodiesOnly() {
        assertEquals("<p>Hi &lt;b&gt;Bo&lt;/b&gt; &amp; co</p>",
                EmailTemplate.body("<p>Hi {firstName} &amp; co</p>").render("<b>Bo</b>", "b@x.org"));
        assertEquals("Hi <b>Bo</b>", EmailTemplate.subject("Hi {firstName}").render("<b>Bo</b>", "b@x.org"));
        // The tenant's own markup and dollar signs stay as written.
        assertEquals("<b>$1</b>", EmailTemplate.body("<b>$1</b>").render("A", "a@x.org"));
    }

    @Test
    void validationNamesTheFieldAndTheProblem() {
        assertTrue(EmailTemplate.validate("body", "{#if firstName}Dear {firstName}{#else}Hi{/if} {email}", true)
                .isEmpty());
        assertProblem(EmailTemplate.validate("subject", "Hi {lastName}", false), "subject", "unknown placeholder");
        assertProblem(EmailTemplate.validate("body", "<p>{config:secret}</p>", true), "body", "unknown placeholder");
        assertProblem(EmailTemplate.validate("body", "<p>{#if firstName}unclosed</p>", true), "body",
                "not a valid template");
        assertProblem(EmailTemplate.validate("body", "<p>{firstName.getClass}</p>", true), "body",
                "cannot be rendered");
    }

    @Test
    void aTemplateThatCannotRenderFails() {
        assertThrows(RuntimeException.class, () -> EmailTemplate.body("{firstName.nope}").render("A", "a@x.org"));
    }

    private static void assertProblem(List<FieldError> errors, String field, String message) {
        assertEquals(1, errors.size(), errors.toString());
        assertEquals(field, errors.get(0).field());
        assertTrue(errors.get(0).message().contains(message), errors.get(0).message());
    }
}
