package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.OffsetMetadataTooLarge;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The Admin client's group operations, and the error codes a misbehaving committer gets. */
class GroupAdminIT {

    @Test
    void shouldListDescribeAlterAndDeleteGroupsWhenUsedThroughTheAdminClient() throws Exception {
        try (SuretyBroker broker = ConsumerGroupIT.groupBroker().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            ConsumerGroupIT.produce(producer, "admin-topic", "v", 120);
            Set<String> seen = GroupMember.newSeenSet();
            GroupMember.Settings settings = new GroupMember.Settings(broker.bootstrapServers(), "admin-topic", "admin-group",
                    "classic", "range");
            TopicPartition p0 = new TopicPartition("admin-topic", 0);
            try (GroupMember member = new GroupMember("m", settings, seen)) {
                await().atMost(Duration.ofSeconds(30)).until(() -> seen.size() == 120 && member.owned().size() == 6);
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                        admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get()).hasSize(6));

                List<GroupListing> stable = List.copyOf(admin.listGroups(ListGroupsOptions.forConsumerGroups()
                        .inGroupStates(Set.of(GroupState.STABLE))).all().get());
                assertThat(stable).extracting(GroupListing::groupId).contains("admin-group");
                ConsumerGroupDescription description = admin.describeConsumerGroups(List.of("admin-group"))
                        .describedGroups().get("admin-group").get();
                assertThat(description.groupState()).isEqualTo(GroupState.STABLE);
                assertThat(description.members()).hasSize(1);
                assertThat(description.members().iterator().next().assignment().topicPartitions()).hasSize(6);
                assertThat(description.partitionAssignor()).isEqualTo("range");

                assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get())
                        .hasCauseInstanceOf(GroupNotEmptyException.class);
                assertThatThrownBy(() -> admin.alterConsumerGroupOffsets("admin-group",
                        Map.of(p0, new OffsetAndMetadata(5))).all().get())
                        .hasCauseInstanceOf(UnknownMemberIdException.class);
            }
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(admin.describeConsumerGroups(
                    List.of("admin-group")).describedGroups().get("admin-group").get().groupState())
                    .isEqualTo(GroupState.EMPTY));

            admin.alterConsumerGroupOffsets("admin-group", Map.of(p0, new OffsetAndMetadata(5, "reset"))).all().get();
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get().get(p0))
                    .isEqualTo(new OffsetAndMetadata(5, "reset"));
            assertThatThrownBy(() -> admin.alterConsumerGroupOffsets("admin-group",
                    Map.of(new TopicPartition("admin-topic", 99), new OffsetAndMetadata(1))).all().get())
                    .hasCauseInstanceOf(UnknownTopicOrPartitionException.class);
            assertThatThrownBy(() -> admin.alterConsumerGroupOffsets("admin-group",
                    Map.of(p0, new OffsetAndMetadata(1, "x".repeat(5000)))).all().get())
                    .hasCauseInstanceOf(OffsetMetadataTooLarge.class);
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get().get(p0).offset())
                    .isEqualTo(5);

            admin.deleteConsumerGroupOffsets("admin-group", Set.of(p0)).all().get();
            assertThat(admin.listConsumerGroupOffsets("admin-group").partitionsToOffsetAndMetadata().get())
                    .hasSize(5).doesNotContainKey(p0);

            admin.deleteConsumerGroups(List.of("admin-group")).all().get();
            assertThat(admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get())
                    .extracting(GroupListing::groupId).doesNotContain("admin-group");
            assertThatThrownBy(() -> admin.deleteConsumerGroups(List.of("admin-group")).all().get())
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(GroupIdNotFoundException.class);
        }
    }

    @Test
    void shouldKeepOffsetsOfSimpleConsumersWhenTheyCommitWithoutAGroupMembership() throws Exception {
        try (SuretyBroker broker = ConsumerGroupIT.groupBroker().start();
                Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
                KafkaProducer<String, String> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            ConsumerGroupIT.produce(producer, "simple-topic", "v", 10);
            TopicPartition tp = new TopicPartition("simple-topic", 1);
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                    broker.bootstrapServers(), "group.id", "simple-group", "enable.auto.commit", "false"),
                    new StringDeserializer(), new StringDeserializer())) {
                consumer.assign(List.of(tp));
                consumer.commitSync(Map.of(tp, new OffsetAndMetadata(3, "meta")));
                assertThat(consumer.committed(Set.of(tp)).get(tp)).isEqualTo(new OffsetAndMetadata(3, "meta"));
            }
            GroupListing listing = admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                    .filter(g -> g.groupId().equals("simple-group")).findFirst().orElseThrow();
            assertThat(listing.isSimpleConsumerGroup()).isTrue();
            assertThat(listing.groupState()).contains(GroupState.EMPTY);
        }
    }
}
