package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupIdNotFoundException;
import org.apache.kafka.common.errors.GroupNotEmptyException;
import org.apache.kafka.common.errors.GroupSubscribedToTopicException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The Admin client's consumer-group operations, with a group of each protocol: list (with and
 * without a state filter), describe (state, type, assignor, members and their assignments), list
 * offsets, alter offsets, delete offsets and delete the group; and the refusals while the group
 * is active: deleting it (GroupNotEmptyException), altering its offsets (UnknownMemberIdException,
 * as Kafka answers a commit from outside an active group), deleting offsets of a topic it
 * subscribes to (GroupSubscribedToTopicException). A member that joins afterwards proves the
 * altered and deleted offsets took effect.
 */
class GroupAdminCompatIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = GroupSettings.brokerConfig(new ChildBrokerExtension());

    private static final int RECORDS_PER_PARTITION = 10;
    private static final Duration GROUP_TIMEOUT = Duration.ofSeconds(60);
    private static final long CLIENT_TIMEOUT_S = 30;

    private static Admin admin;

    @BeforeAll
    static void createAdmin() {
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()));
    }

    @AfterAll
    static void closeAdmin() {
        admin.close();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {GroupSettings.CLASSIC, GroupSettings.CONSUMER})
    void shouldListDescribeAlterAndDeleteWhenTheGroupIsEmptyAndRefuseWhenActive(String protocol) throws Exception {
        String topic = "admin-" + protocol;
        List<TopicPartition> partitions = BROKER.createTopic(topic);
        Clients.produceToEach(BROKER.bootstrapServers(), partitions, RECORDS_PER_PARTITION);
        String assignor = protocol.equals(GroupSettings.CLASSIC) ? "range" : "uniform";
        GroupSettings settings = new GroupSettings(BROKER.bootstrapServers(), topic, "admin-" + protocol, protocol, assignor);
        String group = settings.groupId();
        TopicPartition p0 = partitions.get(0);
        TopicPartition p1 = partitions.get(1);
        TopicPartition p2 = partitions.get(2);

        Queue<GroupMember.Consumption> consumed = new ConcurrentLinkedQueue<>();
        try (GroupMember a = new GroupMember("a", settings, consumed); GroupMember b = new GroupMember("b", settings, consumed)) {
            await("two members own three partitions each and commit everything").atMost(GROUP_TIMEOUT).untilAsserted(() -> {
                assertThat(a.owned()).hasSize(3);
                assertThat(b.owned()).hasSize(3);
                assertThat(committedOffsets(group)).isEqualTo(offsets(partitions, RECORDS_PER_PARTITION));
            });

            assertThat(GroupListings.list(admin)).extractingByKey(group)
                    .isEqualTo(new GroupListings.Listed(group, false, "Stable"));
            assertThat(GroupListings.list(admin, "Stable")).containsKey(group);
            assertThat(GroupListings.list(admin, "Empty")).doesNotContainKey(group);

            ConsumerGroupDescription description = describe(group);
            assertThat(GroupListings.state(description)).isEqualTo("Stable");
            assertThat(description.type()).isEqualTo(protocol.equals(GroupSettings.CLASSIC) ? GroupType.CLASSIC : GroupType.CONSUMER);
            assertThat(description.isSimpleConsumerGroup()).isFalse();
            assertThat(description.partitionAssignor()).isEqualTo(assignor);
            assertThat(description.coordinator().port()).isEqualTo(Integer.parseInt(BROKER.bootstrapServers().split(":")[1]));
            assertThat(description.members()).hasSize(2).allSatisfy(member -> {
                assertThat(member.consumerId()).isNotBlank();
                assertThat(member.clientId()).isNotBlank();
                assertThat(member.host()).contains("127.0.0.1");
                assertThat(member.assignment().topicPartitions()).hasSize(3);
            });
            Set<TopicPartition> assigned = new HashSet<>();
            for (MemberDescription member : description.members()) {
                assigned.addAll(member.assignment().topicPartitions());
            }
            assertThat(assigned).containsExactlyInAnyOrderElementsOf(partitions);

            assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of(group)).all()))
                    .hasCauseInstanceOf(GroupNotEmptyException.class);
            assertThatThrownBy(() -> get(admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3))).all()))
                    .hasCauseInstanceOf(UnknownMemberIdException.class);
            assertThatThrownBy(() -> get(admin.deleteConsumerGroupOffsets(group, Set.of(p2)).all()))
                    .hasCauseInstanceOf(GroupSubscribedToTopicException.class);
            assertThat(committedOffsets(group)).as("offsets after the refusals").isEqualTo(offsets(partitions, RECORDS_PER_PARTITION));
        }

        await("the group is empty once its members left").atMost(GROUP_TIMEOUT)
                .untilAsserted(() -> assertThat(GroupListings.state(describe(group))).isEqualTo("Empty"));
        assertThat(describe(group).members()).isEmpty();
        assertThat(GroupListings.list(admin, "Empty")).containsKey(group);

        get(admin.alterConsumerGroupOffsets(group, Map.of(p0, new OffsetAndMetadata(3, "rewound"),
                p1, new OffsetAndMetadata(7))).all());
        get(admin.deleteConsumerGroupOffsets(group, Set.of(p2)).all());
        Map<TopicPartition, Long> expected = offsets(partitions, RECORDS_PER_PARTITION);
        expected.put(p0, 3L);
        expected.put(p1, 7L);
        expected.remove(p2);
        assertThat(committedOffsets(group)).as("offsets after alter and delete").isEqualTo(expected);
        assertThat(committed(group).get(p0).metadata()).as("metadata of the altered offset").isEqualTo("rewound");

        Map<Integer, List<Long>> resumed = resume(settings, partitions);
        assertThat(resumed).as("offsets read by a member joining the emptied group, by partition").isEqualTo(Map.of(
                p0.partition(), List.of(3L, 4L, 5L, 6L, 7L, 8L, 9L),
                p1.partition(), List.of(7L, 8L, 9L),
                p2.partition(), List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L)));

        get(admin.deleteConsumerGroups(List.of(group)).all());
        assertThat(GroupListings.list(admin)).doesNotContainKey(group);
        assertThat(committed(group)).as("offsets of the deleted group").isEmpty();
        assertThatThrownBy(() -> get(admin.deleteConsumerGroups(List.of(group)).all()))
                .hasCauseInstanceOf(GroupIdNotFoundException.class);
    }

    @Test
    void shouldListASimpleGroupWhenOffsetsAreCommittedWithoutMembers() throws Exception {
        List<TopicPartition> partitions = BROKER.createTopic("admin-simple");
        TopicPartition partition = partitions.get(4);
        Map<String, Object> config = Map.of("group.id", "admin-simple");
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(BROKER.bootstrapServers(), config)) {
            consumer.assign(List.of(partition));
            consumer.commitSync(Map.of(partition, new OffsetAndMetadata(5, "simple")));
        }
        assertThat(GroupListings.list(admin)).extractingByKey("admin-simple")
                .isEqualTo(new GroupListings.Listed("admin-simple", true, "Empty"));
        assertThat(committed("admin-simple")).isEqualTo(Map.of(partition, new OffsetAndMetadata(5, "simple")));
        get(admin.deleteConsumerGroups(List.of("admin-simple")).all());
        assertThat(GroupListings.list(admin)).doesNotContainKey("admin-simple");
    }

    /**
     * Joins the group with a new member and reads every partition to its end; returns the offsets
     * read, by partition, for the partitions that had any left.
     */
    private static Map<Integer, List<Long>> resume(GroupSettings settings, List<TopicPartition> partitions) {
        Map<Integer, List<Long>> read = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer()) {
            consumer.subscribe(List.of(settings.topic()));
            await("a new member reads to the end").atMost(GROUP_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(1)).until(() -> {
                        consumer.poll(Duration.ofMillis(100)).forEach(record -> read
                                .computeIfAbsent(record.partition(), p -> new ArrayList<>()).add(record.offset()));
                        return consumer.assignment().containsAll(partitions) && partitions.stream()
                                .allMatch(p -> consumer.position(p) == RECORDS_PER_PARTITION);
                    });
        }
        return read;
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
        return get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    }

    private static ConsumerGroupDescription describe(String group) throws Exception {
        return get(admin.describeConsumerGroups(List.of(group)).describedGroups().get(group));
    }

    /** The committed offsets of {@code group} without metadata or leader epochs. */
    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        committed(group).forEach((partition, offset) -> offsets.put(partition, offset.offset()));
        return offsets;
    }

    private static Map<TopicPartition, Long> offsets(List<TopicPartition> partitions, long offset) {
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition partition : partitions) {
            offsets.put(partition, offset);
        }
        return offsets;
    }

    private static <T> T get(KafkaFuture<T> future) throws InterruptedException, ExecutionException, TimeoutException {
        return future.get(CLIENT_TIMEOUT_S, TimeUnit.SECONDS);
    }
}
