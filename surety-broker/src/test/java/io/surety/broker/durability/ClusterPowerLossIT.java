package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.node.ClusterNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * A power loss of a whole three-node cluster: an idempotent acks=all producer writes to a topic with
 * replication factor 3 and {@code min.insync.replicas=2}; all three nodes are killed with
 * {@code kill -9} at once, every node's files are cut back to their last fsynced length
 * ({@link PowerLoss}, from each node's fsync ledger), and the nodes start again.
 *
 * <p>Scenario, as {@link PowerLossIT} for one broker: a burst to a quiet partition (2), which then
 * receives nothing more, while partitions 0 and 1 stream until the kill. Two checks: before the
 * restart, each node's cut log files are read directly, and every acknowledged record must be at its
 * offset on every replica (the ISR is all three nodes throughout, and an acks=all acknowledgement
 * claims durability on every ISR member); after the restart a consumer reads everything back.
 *
 * <p>Under {@code flush.policy=fsync} a follower reports an offset to the leader only once it is
 * fsynced, so the high watermark, and with it every acks=all acknowledgement, is on disk on every
 * ISR member: no acknowledged record may be missing on any node. Under
 * {@code flush.policy=interval} with the default {@code log.flush.interval.ms} (never), nothing is
 * synced until a segment rolls, so every acknowledged record of the quiet partition is gone on all
 * three replicas: acks=all alone is not durability against a correlated power loss.
 *
 * <p>Why the direct read: after a restart of all nodes the controller (as Kafka's does) takes each
 * re-registering node out of every ISR where it is not the last member, so which replica leads
 * afterwards depends on the order the nodes come back, and a consumer reads only the leader's copy.
 *
 * <p>What the cut covers: every file a node fsynced through its fsync ledger (segments, checkpoints,
 * coordinator journal, topic metadata), and every segment file the ledger never names (cut to
 * empty). The metadata quorum's storage ({@code __metadata-raft}) is left whole: Ratis forces its
 * own log before it counts an entry as flushed, the ledger does not see those fsyncs, and no file
 * there is named like a segment, so {@link PowerLoss} never touches it. Cutting it without knowing
 * what Ratis synced would simulate a disk that lies, not a power loss.
 *
 * <p>Set {@code -Dsurety.seed=<n>} to repeat a run's kill moment.
 */
class ClusterPowerLossIT {

    private static final String TOPIC = "cluster-power-loss";
    private static final int PARTITIONS = 3;
    private static final int QUIET_PARTITION = 2;
    private static final int QUIET_RECORDS = 500;
    private static final int RECORDS_PER_SECOND = 1_500;
    private static final int VALUE_BYTES = 100;
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    private record Outcome(DeliveryReport report, long bytesDropped, Map<Integer, Long> missingOnDisk) {
    }

    @Test
    void shouldLoseNoAcknowledgedRecordWhenEveryNodeLosesPowerUnderFsyncPolicy() throws Exception {
        Outcome outcome = powerLossOfAllNodes("fsync", Map.of());
        DeliveryReport report = outcome.report();
        assertThat(outcome.missingOnDisk()).as("acknowledged records missing on each node's disk after the cut")
                .allSatisfy((node, missing) -> assertThat(missing).isZero());
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.reordered()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    @Test
    void shouldLoseTheQuietPartitionsAcknowledgedRecordsWhenEveryNodeLosesPowerUnderIntervalPolicy()
            throws Exception {
        Outcome outcome = powerLossOfAllNodes("interval", Map.of("flush.policy", "interval"));
        DeliveryReport report = outcome.report();
        assertThat(outcome.bytesDropped()).as("bytes the power loss removed").isPositive();
        assertThat(outcome.missingOnDisk()).as("acknowledged records missing on each node's disk after the cut")
                .allSatisfy((node, missing) -> assertThat(missing).isGreaterThanOrEqualTo(QUIET_RECORDS));
        assertThat(report.lostIn(QUIET_PARTITION)).as("acknowledged records of the quiet partition lost")
                .isEqualTo(QUIET_RECORDS);
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    private Outcome powerLossOfAllNodes(String name, Map<String, String> overrides) throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("ClusterPowerLossIT-" + name);
        Map<String, String> settings = new HashMap<>(Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "log.segment.bytes", String.valueOf(256 * 1024),
                "surety.fsync.ledger.enable", "true"));
        settings.putAll(overrides);
        SendHistory history = new SendHistory();
        long killAfterAcks = QUIET_RECORDS + 5_000 + random.nextInt(5_000);
        Outcome outcome;
        try (ChildCluster cluster = ChildCluster.start(run, 3, settings);
             PartitionStates states = new PartitionStates(cluster.bootstrapServers())) {
            ClusterRun.createTopic(states, TOPIC, PARTITIONS);
            KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 120_000,
                    Map.of());
            try {
                SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 5_000, VALUE_BYTES);
                writer.sendBurst(QUIET_PARTITION, QUIET_RECORDS);
                assertThat(history.ackCount()).isEqualTo(QUIET_RECORDS);
                writer.startStream(List.of(0, 1), RECORDS_PER_SECOND, 1_000_000);
                await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> {
                    cluster.nodeIds().forEach(cluster::requireAlive);
                    return history.ackCount() >= killAfterAcks;
                });
                for (int p = 0; p < PARTITIONS; p++) {
                    assertThat(states.of(TOPIC, p).isr()).as("ISR of partition %d before the kill", p).hasSize(3);
                }
                Thread.sleep(random.nextInt(30)); // the kill moment: a random phase of replication and fsync
                cluster.kill9All();
                producer.close(Duration.ZERO);
                writer.stopStream();
            } finally {
                producer.close(Duration.ZERO);
            }
            assertThat(history.pendingCount()).as("sends left pending after the producer closed").isZero();
            Map<Integer, PowerLoss.Result> cuts = new TreeMap<>();
            for (int id : cluster.nodeIds()) {
                Path dataDir = cluster.node(id).dataDir();
                assertThat(dataDir.resolve(ClusterNode.QUORUM_DIRECTORY)).as("quorum storage of node %d", id)
                        .isDirectory();
                assertThat(Files.exists(dataDir.resolve(PowerLoss.LEDGER_FILE))).as("fsync ledger of node %d", id)
                        .isTrue();
                cuts.put(id, PowerLoss.apply(dataDir));
            }
            Map<Integer, Long> missingOnDisk = new TreeMap<>();
            for (int id : cluster.nodeIds()) {
                missingOnDisk.put(id, missingOnDisk(history, cluster.node(id).dataDir()));
            }
            cluster.restart(cluster.nodeIds());
            DeliveryReport report = DeliveryReport.check(history,
                    TopicReader.readAll(cluster.bootstrapServers(), TOPIC, PARTITIONS, STEP_TIMEOUT));
            if (report.lost() == 0) {
                for (int p = 0; p < PARTITIONS; p++) {
                    ReplicaBatches.awaitIdentical(cluster, TOPIC + "-" + p, STEP_TIMEOUT);
                }
            }
            long bytesDropped = cuts.values().stream().mapToLong(PowerLoss.Result::bytesDropped).sum();
            System.out.printf("ClusterPowerLossIT[flush.policy=%s] seed=%d: all nodes killed at >= %d acks; power loss "
                    + "per node %s; acknowledged records missing on disk per node %s; read back: %s; duration=%ds%n",
                    name, seed, killAfterAcks, cuts, missingOnDisk, report.summary(),
                    Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
            outcome = new Outcome(report, bytesDropped, missingOnDisk);
        }
        run.passed();
        return outcome;
    }

    /** Acknowledged records that are not at their acknowledged offset in the (killed) node's log files. */
    private static long missingOnDisk(SendHistory history, Path dataDir) throws IOException {
        Map<Integer, Map<Long, Long>> onDisk = new HashMap<>();
        for (int p = 0; p < PARTITIONS; p++) {
            onDisk.put(p, ReplicaBatches.seqByOffset(dataDir.resolve(TOPIC + "-" + p)));
        }
        long missing = 0;
        for (Map.Entry<Long, Long> ack : history.ackedOffsets().entrySet()) {
            Long stored = onDisk.get(history.partitionOf(ack.getKey())).get(ack.getValue());
            if (stored == null || stored.longValue() != ack.getKey()) {
                missing++;
            }
        }
        return missing;
    }
}
