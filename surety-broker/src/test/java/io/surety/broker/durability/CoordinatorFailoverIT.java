package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
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
import org.junit.jupiter.api.Test;

/**
 * Three cluster nodes in child JVMs, three consumers of one classic group committing after every
 * poll: the node coordinating the group (the coordinator quorum group's leader) is killed with
 * {@code kill -9} {@value #KILLS} times. Every time one of the two survivors takes over the group with
 * every commit the consumers were told succeeded (a committed offset never goes back behind one), and
 * the three members keep their group and go on committing before the killed node is started again;
 * at the end no partition was skipped (each consumer read every offset below the committed one).
 *
 * <p>Before the coordinators moved onto the quorum, one node's local journal held every offset and a
 * kill of that node left the group without a coordinator that knew them.
 */
class CoordinatorFailoverIT {

    private static final String TOPIC = "coordinator-failover";
    private static final String GROUP = "failover-group";
    private static final int PARTITIONS = 6;
    private static final int RECORDS = 120_000;
    private static final int CONSUMERS = 3;
    private static final int KILLS = 3;
    /** Commits acknowledged between two kills: the group is seen working on each new coordinator. */
    private static final long PROGRESS = 300;

    @Test
    void shouldKeepEveryAcknowledgedCommitAndTheGroupWhenTheCoordinatorIsKilled() throws Exception {
        ClusterRun.inThreeNodes("CoordinatorFailoverIT", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500"), CoordinatorFailoverIT::killCoordinatorRepeatedly);
    }

    private static void killCoordinatorRepeatedly(ChildCluster cluster, PartitionStates states) throws Exception {
        ClusterRun.createTopic(states, TOPIC, PARTITIONS);
        produce(cluster.bootstrapServers());
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
            for (int kill = 1; kill <= KILLS; kill++) {
                awaitStableGroup(admin, acknowledged, PROGRESS);
                int coordinator = ClusterRun.coordinatorOf(admin, GROUP);
                Map<TopicPartition, Long> before = acknowledged.snapshot();
                long killNs = System.nanoTime();
                long commitsBefore = acknowledged.count();
                cluster.kill9(coordinator);
                int next = ClusterRun.awaitCoordinatorOtherThan(admin, GROUP, coordinator);
                long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killNs);
                assertCommittedAtLeast(admin, before);
                awaitStableGroup(admin, acknowledged, PROGRESS);
                cluster.relaunch(coordinator);
                cluster.awaitStarted(coordinator);
                System.out.printf("kill %d: coordinator %d -> %d after %d ms, %d commits acknowledged before%n", kill,
                        coordinator, next, tookMs, commitsBefore);
            }
            awaitStableGroup(admin, acknowledged, 0);
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
    }

    private static void produce(String bootstrapServers) throws Exception {
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(bootstrapServers, 120_000, Map.of())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, null, Integer.toString(i)));
            }
            producer.flush();
        }
    }

    /** Waits until the group is stable with every consumer and {@code progress} more commits were acknowledged. */
    private static void awaitStableGroup(Admin admin, Commits acknowledged, long progress) {
        long target = acknowledged.count() + progress;
        await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().until(() -> {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            return group.groupState() == GroupState.STABLE && group.members().size() == CONSUMERS
                    && acknowledged.count() >= target;
        });
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
