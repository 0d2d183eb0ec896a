package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.JvmProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

/**
 * Three cluster nodes in child JVMs; three consumers of one classic group commit after every poll
 * while a transactional copier ({@link CopierMain}, a child JVM) copies an input topic to an output
 * topic exactly once, its offsets in each transaction (every topic replication factor 3, leaders
 * spread over the nodes, so each transaction spans several leaders). The node coordinating both
 * groups and the copier's transactions (the coordinator quorum group's leader) is killed with
 * {@code kill -9} {@value #KILLS} times, each time while the consumers commit and the copier is
 * mid-stream. Every time one of the two survivors takes over with every commit the consumers were
 * told succeeded (a committed offset never goes back behind one), the three members keep their
 * group and go on committing, and the copier goes on, before the killed node is started again. At
 * the end no partition was skipped (each consumer read every offset below the committed one), and
 * the committed output (read_committed) equals the input exactly: every record once, in order per
 * partition.
 *
 * <p>Before the coordinators moved onto the quorum, one node's local journal held every offset and
 * transaction, and a kill of that node left the groups and transactions without a coordinator
 * that knew them.
 */
class CoordinatorFailoverIT {

    private static final String TOPIC = "coordinator-failover";
    private static final String GROUP = "failover-group";
    private static final int PARTITIONS = 6;
    private static final int CONSUMERS = 3;
    private static final int KILLS = 3;
    /** Commits acknowledged between two kills: the group is seen working on each new coordinator. */
    private static final long PROGRESS = 300;
    /** Records the copier copies between two kills, so it is mid-stream at each (its input is fed all along). */
    private static final int COPIED_BETWEEN_KILLS = 3_000;
    private static final String COPIER_GROUP = "eos-copier";

    @Test
    void shouldKeepEveryAcknowledgedCommitTheGroupAndExactlyOnceWhenTheCoordinatorIsKilled() throws Exception {
        ClusterRun.inThreeNodes("CoordinatorFailoverIT", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"),
                CoordinatorFailoverIT::killCoordinatorRepeatedly);
    }

    private static void killCoordinatorRepeatedly(ChildCluster cluster, PartitionStates states) throws Exception {
        long startNs = System.nanoTime();
        ClusterRun.createTopic(states, TOPIC, PARTITIONS);
        ClusterRun.createTopic(states, ExactlyOnceCrashIT.INPUT, ExactlyOnceCrashIT.PARTITIONS);
        ClusterRun.createTopic(states, ExactlyOnceCrashIT.OUTPUT, ExactlyOnceCrashIT.PARTITIONS);
        Feeder groupFeeder = new Feeder(cluster.bootstrapServers(), TOPIC, PARTITIONS);
        Feeder copierFeeder = new Feeder(cluster.bootstrapServers(), ExactlyOnceCrashIT.INPUT,
                ExactlyOnceCrashIT.PARTITIONS);
        groupFeeder.start();
        copierFeeder.start();
        Path copierLog = cluster.node(1).logFile().resolveSibling("copier.log");
        JvmProcess copier = ExactlyOnceCrashIT.copier(cluster.bootstrapServers(), copierLog);
        Commits acknowledged = new Commits();
        Map<TopicPartition, Set<Long>> read = new ConcurrentHashMap<>();
        List<GroupConsumer> consumers = new ArrayList<>();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            for (int i = 0; i < CONSUMERS; i++) {
                GroupConsumer consumer = new GroupConsumer(cluster.bootstrapServers(), acknowledged, read, i);
                consumer.start();
                consumers.add(consumer);
            }
            copier.start();
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitStableGroup(admin, acknowledged, PROGRESS, consumers);
                awaitCopied(copier, copierLog, ExactlyOnceCrashIT.committedRecords(copierLog) + COPIED_BETWEEN_KILLS);
                int coordinator = ClusterRun.coordinatorOf(admin, GROUP);
                assertThat(ClusterRun.coordinatorOf(admin, COPIER_GROUP)).as("the copier's coordinator")
                        .isEqualTo(coordinator);
                Map<TopicPartition, Long> before = acknowledged.snapshot();
                long killNs = System.nanoTime();
                long commitsBefore = acknowledged.count();
                long copiedBefore = ExactlyOnceCrashIT.committedRecords(copierLog);
                cluster.kill9(coordinator);
                int next = ClusterRun.awaitCoordinatorOtherThan(admin, GROUP, coordinator);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNs);
                assertCommittedAtLeast(admin, before);
                awaitStableGroup(admin, acknowledged, PROGRESS, consumers);
                awaitCopied(copier, copierLog, copiedBefore + 1);
                cluster.relaunch(coordinator);
                cluster.awaitStarted(coordinator);
                System.out.printf("kill %d: coordinator %d -> %d after %d ms, %d commits acknowledged and %d records"
                        + " copied before%n", kill, coordinator, next, tookMs, commitsBefore, copiedBefore);
            }
            awaitStableGroup(admin, acknowledged, 0, consumers);
            groupFeeder.shutdown();
            copierFeeder.shutdown();
            consumers.forEach(GroupConsumer::shutdown);
            for (GroupConsumer consumer : consumers) {
                consumer.join(30_000);
                assertThat(consumer.isAlive()).as("consumer %s stopped", consumer.getName()).isFalse();
                assertThat(consumer.failure).as("consumer %s", consumer.getName()).isNull();
            }
            Map<TopicPartition, Long> committed = committedOffsets(admin);
            assertCommittedAtLeast(admin, acknowledged.snapshot());
            for (Map.Entry<TopicPartition, Long> entry : committed.entrySet()) {
                Set<Long> offsets = read.getOrDefault(entry.getKey(), Set.of());
                for (long offset = 0; offset < entry.getValue(); offset++) {
                    assertThat(offsets).as("%s read below its committed offset %d", entry.getKey(), entry.getValue())
                            .contains(offset);
                }
            }
        }
        Map<Integer, List<String>> input = ExactlyOnceCrashIT.readCommitted(cluster.bootstrapServers(),
                ExactlyOnceCrashIT.INPUT);
        int inputRecords = input.values().stream().mapToInt(List::size).sum();
        Map<Integer, List<String>> output = new TreeMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (!copier.isAlive()) {
                copier.start();
            }
            output.clear();
            output.putAll(ExactlyOnceCrashIT.readCommitted(cluster.bootstrapServers()));
            return output.values().stream().mapToInt(List::size).sum() >= inputRecords;
        });
        copier.kill9();
        output.clear();
        output.putAll(ExactlyOnceCrashIT.readCommitted(cluster.bootstrapServers()));
        System.out.printf("CoordinatorFailoverIT: coordinator kills=%d, %d records copied (copier starts=%d) in %d s%n",
                KILLS, inputRecords, ExactlyOnceCrashIT.countLines(copierLog, "=== start"),
                Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
        for (int p = 0; p < ExactlyOnceCrashIT.PARTITIONS; p++) {
            assertThat(output.getOrDefault(p, List.of())).as("partition %d: output equals input exactly once, in order", p)
                    .isEqualTo(input.get(p));
        }
    }

    /** Waits until the copier has committed {@code records} records in all, starting it again if it exited. */
    private static void awaitCopied(JvmProcess copier, Path copierLog, long records) {
        await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
            if (!copier.isAlive()) {
                copier.start();
            }
            return ExactlyOnceCrashIT.committedRecords(copierLog) >= records;
        });
    }

    /**
     * Writes a topic while the consumers or the copier read it, so they never run out of records:
     * {@value #FEED_BATCH} records, round the partitions, then a pause of {@value #FEED_PAUSE_MS} ms
     * (about five hundred records a second, a load its readers keep up with on two cores). Whatever
     * reaches the log counts: the copier's output is compared with its input as read back.
     */
    static final class Feeder extends Thread {
        private static final int FEED_BATCH = 25;
        private static final long FEED_PAUSE_MS = 50;
        private final String bootstrapServers;
        private final String topic;
        private final int partitions;
        private final AtomicBoolean running = new AtomicBoolean(true);

        Feeder(String bootstrapServers, String topic, int partitions) {
            super("feeder-" + topic);
            this.bootstrapServers = bootstrapServers;
            this.topic = topic;
            this.partitions = partitions;
            setDaemon(true);
        }

        @Override
        public void run() {
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(bootstrapServers, 120_000, Map.of())) {
                for (long i = 0; running.get(); i++) {
                    producer.send(new ProducerRecord<>(topic, (int) (i % partitions), null, "r" + i));
                    if (i % FEED_BATCH == FEED_BATCH - 1) {
                        producer.flush();
                        Thread.sleep(FEED_PAUSE_MS);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        void shutdown() throws InterruptedException {
            running.set(false);
            join(TimeUnit.MINUTES.toMillis(2));
        }
    }

    /**
     * Waits until the group is stable with every consumer and {@code progress} more commits were
     * acknowledged; a timeout says what the group last looked like and how any consumer failed.
     */
    private static void awaitStableGroup(Admin admin, Commits acknowledged, long progress,
            List<GroupConsumer> consumers) {
        long target = acknowledged.count() + progress;
        AtomicReference<String> lastSeen = new AtomicReference<>("no answer to DescribeGroups");
        try {
            await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
                lastSeen.set(group.groupState() + " with " + group.members().size() + " members, coordinator "
                        + group.coordinator().id() + ", " + acknowledged.count() + " commits acknowledged");
                return group.groupState() == GroupState.STABLE && group.members().size() == CONSUMERS
                        && acknowledged.count() >= target;
            });
        } catch (ConditionTimeoutException e) {
            List<String> failures = consumers.stream().filter(c -> c.failure != null)
                    .map(c -> c.getName() + ": " + c.failure).toList();
            throw new AssertionError("group not stable with " + CONSUMERS + " members and " + target
                    + " commits acknowledged within " + ClusterRun.STEP_TIMEOUT + "; last seen: " + lastSeen.get()
                    + "; consumers failed: " + failures, e);
        }
    }

    private static Map<TopicPartition, Long> committedOffsets(Admin admin) throws Exception {
        Map<TopicPartition, Long> out = new HashMap<>();
        admin.listConsumerGroupOffsets(GROUP).partitionsToOffsetAndMetadata().get()
                .forEach((tp, offset) -> out.put(tp, offset.offset()));
        return out;
    }

    /** Every partition's committed offset, as the coordinator answers now, is at least its offset in {@code floor}. */
    private static void assertCommittedAtLeast(Admin admin, Map<TopicPartition, Long> floor) {
        await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            Map<TopicPartition, Long> committed = committedOffsets(admin);
            floor.forEach((tp, offset) -> assertThat(committed.getOrDefault(tp, -1L))
                    .as("committed offset of %s (acknowledged: %d)", tp, offset).isGreaterThanOrEqualTo(offset));
        });
    }

    /** The highest offset whose commit each partition's consumer was told succeeded, and how many were. */
    static final class Commits {
        private final Map<TopicPartition, Long> highest = new ConcurrentHashMap<>();
        private final AtomicLong count = new AtomicLong();

        void acknowledged(Map<TopicPartition, OffsetAndMetadata> offsets) {
            offsets.forEach((tp, offset) -> highest.merge(tp, offset.offset(), Math::max));
            count.incrementAndGet();
        }

        long count() {
            return count.get();
        }

        Map<TopicPartition, Long> snapshot() {
            return Map.copyOf(highest);
        }
    }

    /** A group member that commits the offsets of every poll synchronously; a failed commit is retried by the next. */
    static final class GroupConsumer extends Thread {
        private final KafkaConsumer<String, String> consumer;
        private final Commits acknowledged;
        private final Map<TopicPartition, Set<Long>> read;
        private final AtomicBoolean running = new AtomicBoolean(true);
        volatile Throwable failure;

        GroupConsumer(String bootstrapServers, Commits acknowledged, Map<TopicPartition, Set<Long>> read, int index) {
            super("group-consumer-" + index);
            Map<String, Object> config = new HashMap<>();
            config.put("bootstrap.servers", bootstrapServers);
            config.put("group.id", GROUP);
            config.put("enable.auto.commit", false);
            config.put("auto.offset.reset", "earliest");
            config.put("max.poll.records", 20);
            config.put("session.timeout.ms", 10_000);
            config.put("heartbeat.interval.ms", 1_000);
            config.put("request.timeout.ms", 10_000);
            config.put("reconnect.backoff.max.ms", 500);
            config.put("retry.backoff.max.ms", 500);
            this.consumer = new KafkaConsumer<>(config, new StringDeserializer(), new StringDeserializer());
            this.acknowledged = acknowledged;
            this.read = read;
        }

        @Override
        public void run() {
            try (consumer) {
                consumer.subscribe(List.of(TOPIC));
                while (running.get()) {
                    ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(100));
                    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
                    for (ConsumerRecord<String, String> record : records) {
                        TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                        read.computeIfAbsent(tp, p -> ConcurrentHashMap.newKeySet()).add(record.offset());
                        offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
                    }
                    if (!offsets.isEmpty()) {
                        commit(offsets);
                    }
                }
            } catch (WakeupException stopped) {
                // shut down
            } catch (Throwable e) {
                failure = e;
            }
        }

        private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
            try {
                consumer.commitSync(offsets, Duration.ofSeconds(30));
                acknowledged.acknowledged(offsets);
            } catch (WakeupException e) {
                throw e;
            } catch (KafkaException e) {
                // Not acknowledged (a rebalance, or the coordinator moved): the records are read again.
            }
        }

        void shutdown() {
            running.set(false);
            consumer.wakeup();
        }
    }
}
