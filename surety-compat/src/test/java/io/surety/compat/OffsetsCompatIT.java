package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Committed offsets are durable, and the two commit orders of the delivery-semantics seeds keep
 * their promises when a consumer crashes at the worst moment. Each case runs with a group of
 * each protocol.
 *
 * <ul>
 *   <li>Offsets committed to a group, the second commit of each partition overwriting the first,
 *       survive a {@code kill -9} of the broker: Admin lists them with their metadata, and a new
 *       member resumes exactly there.
 *   <li>A group of two members, consuming while a producer writes, goes on through a
 *       {@code kill -9} and restart of the broker: every acknowledged record is consumed and the
 *       group's committed offsets reach the end of every partition.
 *   <li>Commit, then process (at-most-once), with the consumer killed between the commit and the
 *       processing: exactly the records of that poll are lost, none is processed twice.
 *   <li>Process, then commit (at-least-once), with the consumer killed between the processing and
 *       the commit: exactly the records of that poll are processed twice, none is lost.
 * </ul>
 * The crashing consumer is a child JVM ({@link CommitLoopMain}) killed with {@code kill -9}, so it
 * neither leaves the group nor commits again. A new member then runs the at-least-once loop until
 * it has read every partition to its end (after the dead member's session expired), and the test
 * counts lost and duplicated records over everything processed.
 */
class OffsetsCompatIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = GroupSettings.brokerConfig(new ChildBrokerExtension());

    private static final int RECORDS_PER_PARTITION = 100;
    /** Records the crashing loop processes before its crashed poll. */
    private static final int CRASH_AFTER = 200;
    private static final int LIVE_RECORDS_PER_SECOND = 200;
    private static final Duration CONSUME_TIMEOUT = Duration.ofSeconds(60);
    private static final long CLIENT_TIMEOUT_S = 30;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {GroupSettings.CLASSIC, GroupSettings.CONSUMER})
    void shouldResumeWhereCommittedWhenTheBrokerIsKilled(String protocol) throws Exception {
        String topic = "durable-" + protocol;
        List<TopicPartition> partitions = BROKER.createTopic(topic);
        produce(partitions);
        GroupSettings settings = new GroupSettings(BROKER.bootstrapServers(), topic, "durable-" + protocol, protocol,
                protocol.equals(GroupSettings.CLASSIC) ? "range" : "uniform");
        Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer()) {
            consumer.subscribe(List.of(topic));
            await("all partitions assigned").atMost(CONSUME_TIMEOUT).pollInSameThread().until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size() == partitions.size();
            });
            Map<TopicPartition, OffsetAndMetadata> first = new HashMap<>();
            for (TopicPartition partition : partitions) {
                first.put(partition, new OffsetAndMetadata(50, "first"));
                committed.put(partition, new OffsetAndMetadata(7 * partition.partition() + 3,
                        "second of " + partition.partition()));
            }
            consumer.commitSync(first);
            consumer.commitSync(committed);
        }

        BROKER.kill9AndRestart();

        try (Admin admin = admin()) {
            assertThat(admin.listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata()
                    .get(CLIENT_TIMEOUT_S, TimeUnit.SECONDS)).as("offsets listed after the restart").isEqualTo(committed);
        }
        Map<TopicPartition, List<Long>> offsets = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer()) {
            consumer.subscribe(List.of(topic));
            readToEnd(consumer, partitions, records -> records.forEach(record -> offsets
                    .computeIfAbsent(new TopicPartition(record.topic(), record.partition()), p -> new ArrayList<>())
                    .add(record.offset())));
        }
        for (TopicPartition partition : partitions) {
            long from = committed.get(partition).offset();
            assertThat(offsets.get(partition)).as("offsets read from %s after resuming", partition)
                    .hasSize((int) (RECORDS_PER_PARTITION - from)).first().isEqualTo(from);
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {GroupSettings.CLASSIC, GroupSettings.CONSUMER})
    void shouldConsumeEveryRecordWhenTheBrokerIsKilledUnderARunningGroup(String protocol) throws Exception {
        String topic = "live-" + protocol;
        List<TopicPartition> partitions = BROKER.createTopic(topic);
        GroupSettings settings = new GroupSettings(BROKER.bootstrapServers(), topic, "live-" + protocol, protocol,
                protocol.equals(GroupSettings.CLASSIC) ? "range" : "uniform");
        Queue<GroupMember.Consumption> consumed = new ConcurrentLinkedQueue<>();
        try (GroupMember a = new GroupMember("a", settings, consumed); GroupMember b = new GroupMember("b", settings, consumed)) {
            await("two members own three partitions each").atMost(CONSUME_TIMEOUT).untilAsserted(() -> {
                assertThat(a.owned()).hasSize(3);
                assertThat(b.owned()).hasSize(3);
            });
            Set<String> produced;
            try (PacedProducer producer = new PacedProducer(BROKER.bootstrapServers(), topic, partitions.size(),
                    "live-" + protocol, LIVE_RECORDS_PER_SECOND)) {
                await("both members consume").atMost(CONSUME_TIMEOUT).untilAsserted(() -> assertThat(consumed)
                        .extracting(GroupMember.Consumption::member).contains("a", "b"));
                BROKER.kill9AndRestart();
                int producedAtRestart = producer.acknowledged().size();
                await("records produced after the restart").atMost(CONSUME_TIMEOUT)
                        .until(() -> producer.acknowledged().size() >= producedAtRestart + LIVE_RECORDS_PER_SECOND);
                produced = producer.stop();
                assertThat(producer.failure()).as("producer failure").isNull();
            }
            await("the group consumes every acknowledged record").atMost(CONSUME_TIMEOUT).untilAsserted(() ->
                    assertThat(consumed.stream().map(GroupMember.Consumption::value).collect(Collectors.toSet()))
                            .containsAll(produced));
            Map<TopicPartition, Long> ends;
            try (KafkaConsumer<byte[], byte[]> reader = Clients.consumer(BROKER.bootstrapServers())) {
                ends = reader.endOffsets(partitions);
            }
            try (Admin admin = admin()) {
                await("the group commits to the end").atMost(CONSUME_TIMEOUT).untilAsserted(() -> {
                    Map<TopicPartition, Long> committedOffsets = new HashMap<>();
                    admin.listConsumerGroupOffsets(settings.groupId()).partitionsToOffsetAndMetadata()
                            .get(CLIENT_TIMEOUT_S, TimeUnit.SECONDS)
                            .forEach((partition, offset) -> committedOffsets.put(partition, offset.offset()));
                    assertThat(committedOffsets).isEqualTo(ends);
                });
            }
            long distinct = consumed.stream().map(GroupMember.Consumption::value).distinct().count();
            System.out.printf("[compat] live-%s: %d records produced across a broker kill -9, %d consumptions"
                    + " (%d duplicates), %d commits refused%n", protocol, produced.size(), consumed.size(),
                    consumed.size() - distinct, a.failedCommits() + b.failedCommits());
            assertThat(a.failure()).as("member a failure").isNull();
            assertThat(b.failure()).as("member b failure").isNull();
        }
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {GroupSettings.CLASSIC, GroupSettings.CONSUMER})
    void shouldLoseExactlyTheCrashedPollWhenCommittingBeforeProcessing(String protocol) throws Exception {
        Outcome outcome = crashBetweenCommitAndProcessing("commit-first", protocol);
        assertThat(outcome.crashedPoll()).as("records of the crashed poll").isNotEmpty();
        assertThat(outcome.lost()).as("records never processed").containsExactlyInAnyOrderElementsOf(outcome.crashedPoll());
        assertThat(outcome.duplicated()).as("records processed twice").isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {GroupSettings.CLASSIC, GroupSettings.CONSUMER})
    void shouldProcessExactlyTheCrashedPollTwiceWhenCommittingAfterProcessing(String protocol) throws Exception {
        Outcome outcome = crashBetweenCommitAndProcessing("process-first", protocol);
        assertThat(outcome.crashedPoll()).as("records of the crashed poll").isNotEmpty();
        assertThat(outcome.lost()).as("records never processed").isEmpty();
        assertThat(outcome.duplicated()).as("records processed twice").containsExactlyInAnyOrderElementsOf(outcome.crashedPoll());
    }

    /**
     * What a crash did: the values of the crashed poll, the values produced but never processed,
     * and the values processed more than once (each listed once per extra processing).
     */
    private record Outcome(List<String> crashedPoll, Set<String> lost, List<String> duplicated) {
    }

    private Outcome crashBetweenCommitAndProcessing(String order, String protocol) throws Exception {
        String name = order + "-" + protocol;
        String topic = "loop-" + name;
        List<TopicPartition> partitions = BROKER.createTopic(topic);
        List<String> produced = produce(partitions);
        GroupSettings settings = new GroupSettings(BROKER.bootstrapServers(), topic, "loop-" + name, protocol,
                protocol.equals(GroupSettings.CLASSIC) ? "range" : "uniform");
        List<String> args = new ArrayList<>(List.of(order, String.valueOf(CRASH_AFTER)));
        args.addAll(settings.args());
        List<String> processed = new ArrayList<>();
        List<String> crashedPoll;
        try (ChildClient loop = ChildClient.start(CommitLoopMain.class, args, BROKER.runDir().resolve(name + ".log"))) {
            loop.awaitLine(Pattern.compile("^CRASH-POINT"), CONSUME_TIMEOUT);
            loop.kill9();
            crashedPoll = loop.lines("POLLED");
            processed.addAll(loop.lines("PROCESSED"));
        }

        try (KafkaConsumer<byte[], byte[]> consumer = settings.newConsumer()) {
            consumer.subscribe(List.of(topic));
            readToEnd(consumer, partitions, records -> {
                records.forEach(record -> processed.add(new String(record.value(), StandardCharsets.UTF_8)));
                if (!records.isEmpty()) {
                    consumer.commitSync();
                }
            });
        }
        Set<String> lost = new HashSet<>(produced);
        lost.removeAll(processed);
        List<String> duplicated = new ArrayList<>();
        Set<String> once = new HashSet<>();
        for (String value : processed) {
            if (!once.add(value)) {
                duplicated.add(value);
            }
        }
        System.out.printf("[compat] %s: crashed poll of %d records; %d processed, %d lost, %d duplicated (of %d produced)%n",
                name, crashedPoll.size(), processed.size(), lost.size(), duplicated.size(), produced.size());
        return new Outcome(crashedPoll, lost, duplicated);
    }

    /** What to do with each poll's records on the polling thread. */
    private interface PollHandler {
        void handle(ConsumerRecords<byte[], byte[]> records);
    }

    /**
     * Polls, handing each poll to {@code handler}, until the consumer owns every partition and its
     * position on each is the partition's end.
     */
    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            PollHandler handler) {
        await("read to the end").atMost(CONSUME_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                .pollInterval(Duration.ofMillis(1)).until(() -> {
                    handler.handle(consumer.poll(Duration.ofMillis(100)));
                    if (!consumer.assignment().containsAll(partitions)) {
                        return false;
                    }
                    for (TopicPartition partition : partitions) {
                        if (consumer.position(partition) < RECORDS_PER_PARTITION) {
                            return false;
                        }
                    }
                    return true;
                });
    }

    private static List<String> produce(List<TopicPartition> partitions) throws Exception {
        return Clients.produceToEach(BROKER.bootstrapServers(), partitions, RECORDS_PER_PARTITION);
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers()));
    }
}
