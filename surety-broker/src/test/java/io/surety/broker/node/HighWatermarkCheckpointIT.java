package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.LogCapture;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.partition.HighWatermarkCheckpoint;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.Replication;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * A restarted replica's high watermark comes from its node's {@code replication-offset-checkpoint},
 * never from its log end, which may hold records no other replica has. Without that, a node
 * restarted as the only in-sync replica served consumers its uncommitted tail at once, and an old
 * leader coming back as a follower after a clean failover truncated "below its high watermark",
 * with the WARN meant for unclean elections.
 */
class HighWatermarkCheckpointIT {

    private static final String TOPIC = "checkpointed";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int COMMITTED = 10;
    private static final int TAIL = 5;
    private static final String BELOW_HIGH_WATERMARK = "below its high watermark";

    /**
     * Replication factor 2 on three nodes (the third keeps the metadata quorum's majority while a
     * replica is down), min.insync.replicas 2: the follower stops, the leader takes an acks=1 tail it
     * cannot commit, stops, and comes back as the only in-sync replica, so it leads again.
     */
    @Test
    void shouldServeConsumersOnlyCommittedRecordsUntilAFollowerCopiesTheTailWhenANodeRestartsAsLeader() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000,
                "replica.high.watermark.checkpoint.interval.ms", "100");
             LogCapture replication = LogCapture.attach(Replication.class.getName(), false)) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 2, Map.of("min.insync.replicas", "2"));
            PartitionState created = created(cluster);
            int leader = created.leader();
            int follower = created.replicas().stream().filter(id -> id != leader).findFirst().orElseThrow();
            produce(cluster, "all", "committed-", COMMITTED);
            Path checkpoint = cluster.node(leader).orElseThrow().dataDir().resolve(HighWatermarkCheckpoint.FILE_NAME);
            await().atMost(30, TimeUnit.SECONDS).until(() -> Files.exists(checkpoint)
                    && Files.readString(checkpoint).contains(TOPIC + " 0 " + COMMITTED + "\n"));

            cluster.halt(follower);
            await().atMost(30, TimeUnit.SECONDS).until(() -> state(cluster, leader).isr().equals(List.of(leader)));
            produce(cluster, "1", "tail-", TAIL);
            assertThat(replica(cluster, leader).highWatermark()).as("below min.insync.replicas").isEqualTo(COMMITTED);
            cluster.halt(leader);
            cluster.restart(leader);
            await().atMost(60, TimeUnit.SECONDS).until(() -> state(cluster, leader).leader() == leader
                    && replica(cluster, leader).replication().isLeader());

            Partition restarted = replica(cluster, leader);
            assertThat(restarted.logEndOffset()).isEqualTo(COMMITTED + TAIL);
            assertThat(restarted.highWatermark()).as("the checkpointed value, not the log end").isEqualTo(COMMITTED);
            try (KafkaConsumer<String, String> consumer = consumer(cluster)) {
                List<String> read = new ArrayList<>();
                await().atMost(30, TimeUnit.SECONDS).until(() -> poll(consumer, read) >= COMMITTED);
                await().during(Duration.ofSeconds(1)).atMost(5, TimeUnit.SECONDS)
                        .until(() -> poll(consumer, read) == COMMITTED);
                assertThat(read).allMatch(value -> value.startsWith("committed-"));

                cluster.restart(follower);
                await().atMost(60, TimeUnit.SECONDS).until(() -> poll(consumer, read) == COMMITTED + TAIL);
                assertThat(read.subList(COMMITTED, read.size())).containsExactly("tail-0", "tail-1", "tail-2", "tail-3",
                        "tail-4");
            }
            assertThat(replication.keptWarnings()).noneMatch(line -> line.contains(BELOW_HIGH_WATERMARK));
        }
    }

    /**
     * Replication factor 3: the followers' fetches wait for a megabyte (up to 40 s), so an acks=1
     * tail stays on the leader alone, uncommitted. The leader stops; an in-sync follower is elected
     * (a clean election); the old leader comes back as a follower and truncates the tail, which was
     * never below its high watermark.
     */
    @Test
    void shouldTruncateTheOldLeadersTailWithoutTheUncleanElectionWarningWhenItReturnsAsFollower() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000, "replica.fetch.min.bytes", "1048576",
                "replica.fetch.wait.max.ms", "40000", "replica.lag.time.max.ms", "60000");
             LogCapture replication = LogCapture.attach(Replication.class.getName(), false)) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "2"));
            int oldLeader = created(cluster).leader();
            int follower = created(cluster).replicas().stream().filter(id -> id != oldLeader).findFirst().orElseThrow();
            produce(cluster, "1", "tail-", TAIL);
            assertThat(replica(cluster, oldLeader).logEndOffset()).isEqualTo(TAIL);
            assertThat(replica(cluster, oldLeader).highWatermark()).as("no follower has the tail").isZero();

            cluster.halt(oldLeader);
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                PartitionState now = state(cluster, follower);
                return now.hasLeader() && now.leader() != oldLeader;
            });
            int newLeader = state(cluster, follower).leader();
            assertThat(replica(cluster, newLeader).highWatermark()).as("what the cluster committed").isZero();
            cluster.restart(oldLeader);

            assertThat(replica(cluster, oldLeader).highWatermark()).as("not above what the cluster committed").isZero();
            await().atMost(60, TimeUnit.SECONDS).until(() -> replica(cluster, oldLeader).logEndOffset() == 0);
            assertThat(replica(cluster, oldLeader).highWatermark()).isZero();
            assertThat(replication.keptWarnings()).noneMatch(line -> line.contains(BELOW_HIGH_WATERMARK));
        }
    }

    /** The partition once the metadata shows it with a leader. */
    private static PartitionState created(SuretyCluster cluster) {
        int anyNode = cluster.nodeIds().get(0);
        await().atMost(30, TimeUnit.SECONDS).until(() -> ClusterFixtures.image(cluster, anyNode).topic(TOPIC) != null
                && state(cluster, anyNode).hasLeader());
        return state(cluster, anyNode);
    }

    private static void produce(SuretyCluster cluster, String acks, String prefix, int count) throws Exception {
        try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, acks)) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(TOPIC, 0, null, prefix + i)).get(30, TimeUnit.SECONDS);
            }
        }
    }

    /** A consumer of the partition from offset 0, positioned without ListOffsets. */
    private static KafkaConsumer<String, String> consumer(SuretyCluster cluster) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props);
        consumer.assign(List.of(TP));
        consumer.seek(TP, 0);
        return consumer;
    }

    /** Polls once, adding what arrives to {@code read}; returns how many were read so far. */
    private static int poll(KafkaConsumer<String, String> consumer, List<String> read) {
        for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
            read.add(record.value());
        }
        return read.size();
    }

    private static PartitionState state(SuretyCluster cluster, int node) {
        return ClusterFixtures.state(cluster, node, TOPIC, 0);
    }

    private static Partition replica(SuretyCluster cluster, int node) {
        return ClusterFixtures.replica(cluster, node, TP);
    }
}
