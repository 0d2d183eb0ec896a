package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Three cluster nodes in child JVMs, a topic with replication factor 3 and
 * {@code min.insync.replicas=2}, an idempotent acks=all producer writing a bounded sequence: the
 * leader of partition 0 is killed with {@code kill -9} five times, each time once the ISR is full
 * again; the killed node is started again at once and the test waits for a new leader. At the end every
 * acknowledged record is in the log exactly once, in send order, at the offset it was acknowledged
 * with; no offset a consumer was ever given changed its value; the three replicas of every partition
 * hold the same batches (offsets, leader epochs, CRCs); and no leader epoch had two leaders.
 *
 * <p>{@code kill -9} keeps the page cache, so this exercises failover, follower truncation and
 * producer-state recovery, not the flush; see {@link ClusterPowerLossIT}. Set
 * {@code -Dsurety.seed=<n>} to repeat a run's kill moments.
 */
class ClusterCrashIT {

    private static final String TOPIC = "cluster-crash";
    private static final int PARTITIONS = 3;
    private static final int KILLS = 5;
    private static final int RECORDS_PER_SECOND = 1_500;
    private static final long MAX_RECORDS = 200_000;
    private static final int VALUE_BYTES = 100;

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceWhenTheLeaderIsKilledRepeatedly() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("ClusterCrashIT seed=%d (repeat with -Dsurety.seed=%d)%n", seed, seed);
        ClusterRun.inThreeNodes("ClusterCrashIT", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "log.segment.bytes", String.valueOf(256 * 1024)),
                (cluster, states) -> killLeaderRepeatedly(cluster, states, random));
    }

    private static void killLeaderRepeatedly(ChildCluster cluster, PartitionStates states, Random random)
            throws Exception {
        long startNs = System.nanoTime();
        SendHistory history = new SendHistory();
        LiveReader liveReader = ClusterRun.createTopicAndRead(cluster, states, TOPIC, PARTITIONS);
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 120_000,
                Map.of())) {
            SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 5_000, VALUE_BYTES);
            writer.startStream(List.of(0, 1, 2), RECORDS_PER_SECOND, MAX_RECORDS);
            for (int kill = 1; kill <= KILLS; kill++) {
                int leader = ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 500, MAX_RECORDS);
                Thread.sleep(random.nextInt(30)); // the kill moment: a random phase of replication
                long killNs = System.nanoTime();
                long acksAtKill = history.ackCount();
                cluster.kill9(leader);
                cluster.relaunch(leader); // boots while its broker session runs out
                int newLeader = ClusterRun.awaitNewLeader(states, TOPIC, leader);
                long electedMs = Duration.ofNanos(System.nanoTime() - killNs).toMillis();
                cluster.awaitStarted(leader);
                System.out.printf("kill %d: node %d -> node %d, new leader after %d ms, %d acks before%n",
                        kill, leader, newLeader, electedMs, acksAtKill);
            }
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            writer.stopStream();
            producer.flush();
        }
        Map<Integer, Set<Integer>> leadersByEpoch = ClusterRun.assertNothingLost(cluster, TOPIC, PARTITIONS, history,
                liveReader, String.format("ClusterCrashIT: kills=%d duration=%ds", KILLS,
                        Duration.ofNanos(System.nanoTime() - startNs).toSeconds()));
        assertThat(leadersByEpoch).as("a new leader epoch of %s-0 per kill", TOPIC).hasSizeGreaterThanOrEqualTo(KILLS + 1);
    }
}
