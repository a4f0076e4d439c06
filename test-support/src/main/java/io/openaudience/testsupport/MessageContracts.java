package io.openaudience.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Kafka messages one module produces and another consumes, pinned as samples of the JSON on the wire
 * ({@code contracts/<sample>.json} beside this class): one owner for each message type, read by both sides. The
 * producer's tests make the real message (outbox row and Kafka record) and assert it equals the sample as JSON, field
 * for field and nothing more (order and spacing are not part of the contract); the consumer's tests publish the
 * sample's text to their real consumer and assert what it did. A change on either side that the other does not
 * follow fails one of them. Only what each run draws afresh is a {@code ${name}} in a sample: ids and tenant keys.
 */
public final class MessageContracts {

    /** {@code import-jobs}, key = job id: segments-service's import intake → import-worker. */
    public static final String IMPORT_JOB = "import-jobs";
    /**
     * {@code email-requests}, key = notification id: a mail to two picked members (one without a first name), the
     * whole request in chunk 0 with its subject and body (a Qute template with a condition and a default).
     */
    public static final String EMAIL_SELECTED = "email-requests.selected";
    /** {@code email-requests}: the last chunk of a 501-member segment mail, without subject and body (chunk 0's). */
    public static final String EMAIL_SEGMENT_CHUNK_1 = "email-requests.segment-chunk-1";
    /** {@code email-requests}: a re-invite of the one pending member of two picked; no subject or body of its own. */
    public static final String EMAIL_REINVITE = "email-requests.reinvite";

    private static final Pattern VARIABLE = Pattern.compile("\\$\\{([A-Za-z]+)}");
    /* Values stand inside the sample's quotes or as numbers: ids and keys, nothing that needs escaping. */
    private static final Pattern PLAIN_VALUE = Pattern.compile("[A-Za-z0-9._@-]+");

    private MessageContracts() {
    }

    /**
     * {@link #IMPORT_JOB}: segments-service's import intake ({@code ImportResourceTest}) → import-worker
     * ({@code ImportJobFlowTest} and every test publishing through {@code ImportFixtures.publish}).
     */
    public static String importJob(UUID jobId, long subscriptionId, String initiativeId) {
        return sample(IMPORT_JOB, Map.of("jobId", jobId, "subscriptionId", subscriptionId,
                "initiativeId", initiativeId));
    }

    /**
     * The sample's text with each {@code ${name}} replaced by its value. Every variable of the sample must be given
     * and every value given must be used, so a test cannot silently pin less than the sample says.
     */
    public static String sample(String sample, Map<String, ?> values) {
        String text = read(sample);
        Set<String> used = new LinkedHashSet<>();
        Matcher variables = VARIABLE.matcher(text);
        StringBuilder filled = new StringBuilder();
        while (variables.find()) {
            String name = variables.group(1);
            Object value = values.get(name);
            if (value == null) {
                throw new IllegalArgumentException(sample + " needs a value for ${" + name + "}");
            }
            String rendered = value.toString();
            if (!PLAIN_VALUE.matcher(rendered).matches()) {
                throw new IllegalArgumentException("not an id or key: " + name + " = " + rendered);
            }
            used.add(name);
            variables.appendReplacement(filled, Matcher.quoteReplacement(rendered));
        }
        variables.appendTail(filled);
        if (!used.equals(values.keySet())) {
            throw new IllegalArgumentException(sample + " has the variables " + used + ", given " + values.keySet());
        }
        return filled.toString();
    }

    private static String read(String sample) {
        String path = "contracts/" + sample + ".json";
        try (InputStream in = MessageContracts.class.getClassLoader().getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("no sample " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
