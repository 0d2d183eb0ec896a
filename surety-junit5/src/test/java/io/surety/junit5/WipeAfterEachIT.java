package io.surety.junit5;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One broker for the class, wiped after each test: the second test finds the named topic again,
 * empty, and nothing else the first one left (records, another topic, a consumer group).
 */
@SuretyTest(topics = "events", wipeAfterEach = true)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WipeAfterEachIT {

    private static final TopicPartition EVENTS = new TopicPartition("events", 0);

    @BootstrapServers
    String bootstrapServers;
    Admin admin;

    @Test
    @Order(1)
    void shouldLeaveRecordsATopicAndAGroupBehind() throws Exception {
        Records.produce(bootstrapServers, "events", List.of("one", "two", "three"));
        admin.createTopics(List.of(new NewTopic("left-over", 1, (short) 1))).all().get();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.GROUP_ID_CONFIG, "readers",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("events"));
            int read = 0;
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (read < 3 && System.nanoTime() < deadlineNs) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertThat(read).isEqualTo(3);
            consumer.commitSync();
        }
        assertThat(endOffset()).isEqualTo(3);
    }

    @Test
    @Order(2)
    void shouldFindOnlyTheNamedTopicAndItEmpty() throws Exception {
        assertThat(admin.listTopics().names().get()).containsExactly("events");
        assertThat(endOffset()).as("no record of the test before").isZero();
        assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get())
                .extracting(GroupListing::groupId).doesNotContain("readers");
    }

    private long endOffset() throws Exception {
        return admin.listOffsets(Map.of(EVENTS, OffsetSpec.latest())).partitionResult(EVENTS).get().offset();
    }
}
