package io.openaudience.common.messaging;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.UUID;

/**
 * One chunk (≤ 500 recipients) of an accepted email request, keyed by notification id on `email-requests`.
 * The recipient list was frozen when the request was accepted; chunks are numbered from 0. Only chunk 0 carries the
 * {@code subject} and {@code body} (both null in the others, and in every chunk of a re-invite): a million-member
 * send writes its body once, and the other chunks refer to it by {@code notificationId}. The JSON names are the
 * constants of {@link Json}, which segments-service's SQL also builds the chunks with.
 */
public record EmailRequestMessage(@JsonProperty(Json.NOTIFICATION_ID) UUID notificationId,
                                  @JsonProperty(Json.SUBSCRIPTION_ID) long subscriptionId,
                                  @JsonProperty(Json.INITIATIVE_ID) String initiativeId,
                                  @JsonProperty(Json.KIND) EmailKind kind,
                                  @JsonProperty(Json.SUBJECT) String subject,
                                  @JsonProperty(Json.BODY) String body,
                                  @JsonProperty(Json.CHUNK) int chunk,
                                  @JsonProperty(Json.CHUNKS) int chunks,
                                  @JsonProperty(Json.TOTAL_RECIPIENTS) long totalRecipients,
                                  @JsonProperty(Json.RECIPIENTS) List<Recipient> recipients) {

    /** Largest number of recipients one message carries. */
    public static final int MAX_RECIPIENTS = 500;

    /** The chunk that carries the subject and body. */
    public static final int CONTENT_CHUNK = 0;

    /** Whether this chunk carries the request's subject and body. */
    public boolean carriesContent() {
        return chunk == CONTENT_CHUNK;
    }

    /** A frozen recipient: the member id, address and name at acceptance time. */
    public record Recipient(@JsonProperty(Json.USER_ID) long userId, @JsonProperty(Json.EMAIL) String email,
                            @JsonProperty(Json.FIRST_NAME) String firstName) {
    }

    /** The JSON field names of the message, the one spelling both the record and SQL producers use. */
    public static final class Json {
        public static final String NOTIFICATION_ID = "notificationId";
        public static final String SUBSCRIPTION_ID = "subscriptionId";
        public static final String INITIATIVE_ID = "initiativeId";
        public static final String KIND = "kind";
        public static final String SUBJECT = "subject";
        public static final String BODY = "body";
        public static final String CHUNK = "chunk";
        public static final String CHUNKS = "chunks";
        public static final String TOTAL_RECIPIENTS = "totalRecipients";
        public static final String RECIPIENTS = "recipients";
        public static final String USER_ID = "userId";
        public static final String EMAIL = "email";
        public static final String FIRST_NAME = "firstName";

        private Json() {
        }

        /**
         * A PostgreSQL {@code json_build_object(...)} of the given (field, SQL expression) pairs, for producers that
         * build messages set-based in SQL. Field names must be constants of this class.
         */
        public static String sqlObject(String... fieldsAndExpressions) {
            if (fieldsAndExpressions.length % 2 != 0) {
                throw new IllegalArgumentException("pairs of field and expression expected");
            }
            StringBuilder sql = new StringBuilder("json_build_object(");
            for (int i = 0; i < fieldsAndExpressions.length; i += 2) {
                String field = fieldsAndExpressions[i];
                if (!field.matches("[A-Za-z]+")) {
                    throw new IllegalArgumentException("not a field name: " + field);
                }
                sql.append(i == 0 ? "" : ", ").append('\'').append(field).append("', ")
                        .append(fieldsAndExpressions[i + 1]);
            }
            return sql.append(')').toString();
        }
    }
}
