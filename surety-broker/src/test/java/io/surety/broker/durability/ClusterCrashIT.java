package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
    private static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceWhenTheLeaderIsKilledRepeatedly() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("ClusterCrashIT seed=%d (repeat with -Dsurety.seed=%d)%n", seed, seed);
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("ClusterCrashIT");
        SendHistory history = new SendHistory();
        try (ChildCluster cluster = ChildCluster.start(run, 3, Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "log.segment.bytes", String.valueOf(256 * 1024)));
             PartitionStates states = new PartitionStates(cluster.bootstrapServers())) {
            try {
                killLeaderRepeatedly(cluster, states, random, history, startNs);
            } catch (Throwable failure) {
                cluster.dumpThreads();
                throw failure;
            }
        }
        run.passed();
    }

    private static void killLeaderRepeatedly(ChildCluster cluster, PartitionStates states, Random random,
            SendHistory history, long startNs) throws Exception {
        List<String> failovers = new ArrayList<>();
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                states.createTopic(TOPIC, PARTITIONS, (short) 3, Map.of("min.insync.replicas", "2")));
        LiveReader liveReader = new LiveReader(cluster.bootstrapServers(), TOPIC, PARTITIONS);
        liveReader.start();
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 120_000,
                Map.of())) {
            SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 5_000, VALUE_BYTES);
            writer.startStream(List.of(0, 1, 2), RECORDS_PER_SECOND, MAX_RECORDS);
            for (int kill = 1; kill <= KILLS; kill++) {
                int leader = awaitFullIsrAndProgress(cluster, states, history, 500);
                Thread.sleep(random.nextInt(30)); // the kill moment: a random phase of replication
                long killNs = System.nanoTime();
                long acksAtKill = history.ackCount();
                cluster.kill9(leader);
                cluster.relaunch(leader); // boots while its broker session runs out
                int newLeader = awaitNewLeader(states, leader);
                long electedMs = Duration.ofNanos(System.nanoTime() - killNs).toMillis();
                cluster.awaitStarted(leader);
                failovers.add(String.format("kill %d: node %d -> node %d, new leader after %d ms, %d acks before",
                        kill, leader, newLeader, electedMs, acksAtKill));
                System.out.println(failovers.get(failovers.size() - 1));
            }
            awaitFullIsrAndProgress(cluster, states, history, 1_000);
            writer.stopStream();
            producer.flush();
        }
        assertThat(history.pendingCount()).as("sends still pending after flush and close").isZero();
        assertThat(history.failureCount()).as("failed sends: %s", history.someFailures(5)).isZero();

        Map<Integer, List<TopicReader.Stored>> log = TopicReader.readAll(cluster.bootstrapServers(), TOPIC,
                PARTITIONS, STEP_TIMEOUT);
        DeliveryReport report = DeliveryReport.check(history, log);
        await().atMost(STEP_TIMEOUT).until(() -> liveReader.reads() >= report.stored());
        liveReader.stop();
        List<String> changed = OffsetChanges.between(liveReader.seen(), log);
        Map<Integer, Set<Integer>> leadersByEpoch = LeaderEpochs.ledBy(logs(cluster), TOPIC, 0);
        for (int p = 0; p < PARTITIONS; p++) {
            ReplicaBatches.awaitIdentical(cluster, TOPIC + "-" + p, STEP_TIMEOUT);
        }
        System.out.printf("ClusterCrashIT: kills=%d %s live-reads=%d live-read-errors=%d leaders-by-epoch=%s "
                + "duration=%ds%n", KILLS, report.summary(), liveReader.reads(), liveReader.errors(),
                leadersByEpoch, Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.reordered()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
        assertThat(liveReader.conflicts()).as("offsets read with two values: %s", liveReader.examples()).isZero();
        assertThat(changed).as("offsets read during the run that hold something else at the end").isEmpty();
        assertThat(leadersByEpoch).as("leader epochs of %s-0 and the nodes that led them", TOPIC)
                .hasSizeGreaterThanOrEqualTo(KILLS + 1).allSatisfy((epoch, nodes) -> assertThat(nodes).hasSize(1));
    }

    /**
     * Waits until partition 0 has a leader and a full ISR and {@code moreAcks} more records are
     * acknowledged (fewer when the stream ends sooner); returns the leader.
     */
    private static int awaitFullIsrAndProgress(ChildCluster cluster, PartitionStates states, SendHistory history,
            long moreAcks) {
        long acks = Math.min(history.ackCount() + moreAcks, MAX_RECORDS);
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException)).until(() -> {
            cluster.nodeIds().forEach(cluster::requireAlive);
            PartitionStates.State state = states.of(TOPIC, 0);
            leader[0] = state.leader();
            return state.leader() >= 0 && state.isr().size() == 3 && history.ackCount() >= acks;
        });
        return leader[0];
    }

    private static int awaitNewLeader(PartitionStates states, int oldLeader) {
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            leader[0] = states.of(TOPIC, 0).leader();
            return leader[0] >= 0 && leader[0] != oldLeader;
        });
        return leader[0];
    }

    private static Map<Integer, Path> logs(ChildCluster cluster) {
        Map<Integer, Path> logs = new LinkedHashMap<>();
        cluster.nodeIds().forEach(id -> logs.put(id, cluster.node(id).logFile()));
        return logs;
    }
}
