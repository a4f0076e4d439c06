package io.openaudience.segments.messaging;

import io.openaudience.common.messaging.EmailRequestMessage;
import io.openaudience.common.messaging.Topics;
import io.openaudience.testsupport.Infra;
import io.quarkus.test.junit.QuarkusTest;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

import static io.openaudience.segments.EmailFixtures.JSON;
import static io.openaudience.segments.EmailFixtures.as;
import static io.openaudience.segments.EmailFixtures.bulkMembers;
import static io.openaudience.segments.EmailFixtures.chunks;
import static io.openaudience.segments.EmailFixtures.freshSubscription;
import static io.openaudience.segments.EmailFixtures.segment;
import static io.openaudience.segments.EmailFixtures.userIds;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The chunks of an accepted email request reach Kafka `email-requests`, keyed by notification id, in order. */
@QuarkusTest
class EmailRequestPublishTest {

    @Test
    void chunksArriveOnEmailRequestsKeyedByNotificationId() throws Exception {
        long sub = freshSubscription();
        long segment = segment(sub, "DEE", "Published");
        List<Long> members = bulkMembers(sub, "DEE", segment, 1201);

        UUID id = UUID.fromString(as(sub, "DEE").body(Map.of("subject", "Hi {firstName}", "body", "<p>Hi</p>"))
                .post("/api/v2/segments/{id}/send-email", segment)
                .then().statusCode(202).body("data.recipients", equalTo(1201))
                .extract().path("data.notificationId"));

        List<ConsumerRecord<String, String>> records = consume(id.toString(), 3, Duration.ofSeconds(60));
        List<EmailRequestMessage> published = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            published.add(JSON.readValue(record.value(), EmailRequestMessage.class));
        }
        // One key, so one partition: the chunks arrive in the order they were frozen, exactly as stored.
        assertEquals(1, records.stream().map(ConsumerRecord::partition).distinct().count());
        assertEquals(List.of(0, 1, 2), published.stream().map(EmailRequestMessage::chunk).toList());
        assertEquals(chunks(id), published);
        assertEquals(members, userIds(published));
    }

    /** Reads `email-requests` from the beginning until {@code expected} records with the key have arrived. */
    private static List<ConsumerRecord<String, String>> consume(String key, int expected, Duration timeout) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, Infra.kafkaBootstrap());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, "email-test-" + UUID.randomUUID());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.subscribe(List.of(Topics.EMAIL_REQUESTS));
            long end = System.nanoTime() + timeout.toNanos();
            while (found.size() < expected && System.nanoTime() < end) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(record.key())) {
                        found.add(record);
                    }
                }
            }
            // A short extra poll: a duplicate or a fourth chunk would show up here.
            for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofSeconds(1))) {
                if (key.equals(record.key())) {
                    found.add(record);
                }
            }
        }
        assertEquals(expected, found.size(), "records with key " + key + " on " + Topics.EMAIL_REQUESTS);
        return found;
    }
}
