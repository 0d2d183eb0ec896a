package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.FaultProxy;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seeds' acks=1 loss, counted, and acks=all under the same fault: three cluster nodes in child
 * JVMs, RF 3, {@code min.insync.replicas=1}, unclean election off. Every node's replication
 * listener is advertised at a {@link FaultProxy} in front of it, so followers fetch from a leader
 * through that leader's proxy, while clients and the metadata quorum bypass them all.
 *
 * <p>The steps: records replicated everywhere; the leader's proxy black-holed (its followers'
 * fetches stop, nothing else); more records sent; the leader killed with {@code kill -9} while its
 * followers, behind, are still in the ISR ({@code replica.lag.time.max.ms} is long); its session
 * expires and a follower is elected, cleanly; the proxy healed and the old leader started again. It
 * recovers a log that was never closed, still holding its unreplicated tail (a {@code kill -9}
 * keeps the page cache), and must truncate that tail to follow the new leader. With acks=1 the
 * records acknowledged during the cut are gone from the new leader and from the old one once it is
 * back: Kafka's documented trade. With acks=all none are acknowledged during the cut, so nothing
 * acknowledged is lost.
 *
 * <p>A replica's log end is read from its segment files ({@link ReplicaBatches}), leaders and ISR
 * from what clients are told ({@link PartitionStates}).
 */
class ReplicationCutKillIT {

    private static final String TOPIC = "cut-off";
    private static final String PARTITION_DIR = TOPIC + "-0";
    private static final int VALUE_BYTES = 100;
    private static final int REPLICATED = 200;
    private static final int SENT_DURING_CUT = 300;
    private static final int ACKNOWLEDGED_BEFORE_CUT = 1_000;
    private static final int TIMING_OUT_DURING_CUT = 20;
    private static final int SENT_AFTER_FAILOVER = 10;
    private static final Duration STEP_TIMEOUT = ClusterRun.STEP_TIMEOUT;

    /**
     * A short broker session, so the killed leader is fenced quickly; a long
     * {@code replica.lag.time.max.ms}, so cut-off followers stay in the ISR for the whole test.
     */
    private static final Map<String, String> SETTINGS = Map.of(
            "broker.heartbeat.interval.ms", "200",
            "broker.session.timeout.ms", "2000",
            "replica.lag.time.max.ms", "120000");

    private final Map<Integer, FaultProxy> proxies = new ConcurrentHashMap<>();

    @AfterEach
    void closeProxies() {
        proxies.values().forEach(FaultProxy::close);
    }

    @Test
    void shouldLoseTheTailAcknowledgedDuringTheCutWhenAcksIsOneAndTheKilledLeaderTruncatesIt() throws Exception {
        ClusterRun.inThreeNodesReplicatingThrough("ReplicationCutKillIT-acks1", SETTINGS, this::proxy,
                this::loseTheTailAcknowledgedDuringTheCut);
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenAcksIsAllAndTheCutOffLeaderIsKilled() throws Exception {
        ClusterRun.inThreeNodesReplicatingThrough("ReplicationCutKillIT-acksAll", SETTINGS, this::proxy,
                this::keepEveryAcknowledgedRecord);
    }

    /** Starts a proxy in front of node {@code nodeId}'s replication listener; returns its address. */
    private String proxy(int nodeId, int boundPort) {
        FaultProxy proxy = FaultProxy.builder("127.0.0.1", boundPort).name("replication-" + nodeId).start();
        proxies.put(nodeId, proxy);
        return proxy.address();
    }

    private void loseTheTailAcknowledgedDuringTheCut(ChildCluster cluster, PartitionStates states) throws Exception {
        int leader = createTopic(states);
        List<Integer> followers = followers(states, leader);
        List<Long> replicated = new ArrayList<>();
        List<Long> acknowledgedDuringCut = new ArrayList<>();
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 60_000,
                Map.of("acks", "1", "enable.idempotence", false))) {
            for (long seq = 0; seq < REPLICATED; seq++) {
                send(producer, seq).get(30, TimeUnit.SECONDS);
                replicated.add(seq);
            }
            awaitLogEnds(cluster, followers, REPLICATED);
            assertThat(proxies.get(leader).bytesToUpstream()).as("followers fetch through the leader's proxy")
                    .isPositive();

            proxies.get(leader).blackHole();
            for (long seq = REPLICATED; seq < REPLICATED + SENT_DURING_CUT; seq++) {
                send(producer, seq).get(30, TimeUnit.SECONDS);
                acknowledgedDuringCut.add(seq);
            }
        }
        assertThat(logEnd(cluster, leader)).as("the leader's log end").isEqualTo(REPLICATED + SENT_DURING_CUT);
        for (int id : followers) {
            assertThat(logEnd(cluster, id)).as("node %d's log end, cut off from the leader", id).isEqualTo(REPLICATED);
        }
        PartitionStates.State cut = states.of(TOPIC, 0);
        assertThat(cut.isr()).as("the followers are behind but still in the ISR")
                .containsExactlyInAnyOrderElementsOf(cut.replicas());

        int newLeader = killLeaderAndAwaitFailover(cluster, states, leader, followers);
        long killedEnd = logEnd(cluster, leader);
        assertThat(killedEnd).as("the killed leader's files still hold the tail acknowledged during the cut")
                .isEqualTo(REPLICATED + SENT_DURING_CUT);
        List<Long> readBack = readBack(cluster);
        List<Long> lost = acknowledgedDuringCut.stream().filter(seq -> !readBack.contains(seq)).toList();
        System.out.printf("acks=1: acknowledged %d (%d before the cut, %d during), read back %d after the failover, "
                + "lost %d; killed leader's log end %d, new leader's %d%n", REPLICATED + acknowledgedDuringCut.size(),
                REPLICATED, acknowledgedDuringCut.size(), readBack.size(), lost.size(), killedEnd,
                logEnd(cluster, newLeader));
        assertThat(readBack).as("the new leader has what was replicated, and nothing of the cut")
                .containsExactlyElementsOf(replicated);
        assertThat(lost).as("every record acknowledged during the cut is lost").hasSize(SENT_DURING_CUT);
        assertThat(logEnd(cluster, newLeader)).as("the new leader's log end").isEqualTo(REPLICATED);

        restartKilled(cluster, leader);
        awaitTruncated(cluster, leader, newLeader);
        assertThat(logEnd(cluster, leader)).as("the old leader truncated its unreplicated tail").isEqualTo(REPLICATED);
        ReplicaBatches.awaitIdentical(cluster, PARTITION_DIR, STEP_TIMEOUT);
        assertThat(readBack(cluster)).containsExactlyElementsOf(replicated);
    }

    private void keepEveryAcknowledgedRecord(ChildCluster cluster, PartitionStates states) throws Exception {
        int leader = createTopic(states);
        List<Integer> followers = followers(states, leader);
        List<Long> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 60_000,
                Map.of())) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (long seq = 0; seq < ACKNOWLEDGED_BEFORE_CUT; seq++) {
                sends.add(send(producer, seq));
            }
            for (int i = 0; i < sends.size(); i++) {
                sends.get(i).get(60, TimeUnit.SECONDS);
                acknowledged.add((long) i);
            }
        }
        assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_CUT);

        proxies.get(leader).blackHole();
        int acknowledgedDuringCut = 0;
        int timedOutDuringCut = 0;
        try (KafkaProducer<String, String> cut = TestProducers.acksAll(cluster.bootstrapServers(), 3_000,
                Map.of("enable.idempotence", false, "request.timeout.ms", 1_500, "linger.ms", 0))) {
            List<Future<RecordMetadata>> sends = new ArrayList<>();
            for (long seq = ACKNOWLEDGED_BEFORE_CUT; seq < ACKNOWLEDGED_BEFORE_CUT + TIMING_OUT_DURING_CUT; seq++) {
                sends.add(send(cut, seq));
            }
            for (Future<RecordMetadata> send : sends) {
                try {
                    send.get(30, TimeUnit.SECONDS);
                    acknowledgedDuringCut++;
                } catch (ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(TimeoutException.class);
                    timedOutDuringCut++;
                }
            }
        }
        assertThat(acknowledgedDuringCut).as("acks=all waits for the cut-off followers").isZero();
        assertThat(timedOutDuringCut).isEqualTo(TIMING_OUT_DURING_CUT);

        int newLeader = killLeaderAndAwaitFailover(cluster, states, leader, followers);
        long killedEnd = logEnd(cluster, leader);
        assertThat(killedEnd).as("the killed leader's files hold the unacknowledged records of the cut")
                .isGreaterThanOrEqualTo(ACKNOWLEDGED_BEFORE_CUT + TIMING_OUT_DURING_CUT);
        int acknowledgedAfterFailover = 0;
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 60_000,
                Map.of())) {
            long first = ACKNOWLEDGED_BEFORE_CUT + TIMING_OUT_DURING_CUT;
            for (long seq = first; seq < first + SENT_AFTER_FAILOVER; seq++) {
                send(producer, seq).get(60, TimeUnit.SECONDS);
                acknowledged.add(seq);
                acknowledgedAfterFailover++;
            }
        }
        assertThat(acknowledgedAfterFailover).isPositive();
        long newLeaderEnd = logEnd(cluster, newLeader);
        assertThat(newLeaderEnd).as("the new leader's log end: the replicated prefix and what came after")
                .isEqualTo(ACKNOWLEDGED_BEFORE_CUT + SENT_AFTER_FAILOVER).isLessThan(killedEnd);

        restartKilled(cluster, leader);
        awaitTruncated(cluster, leader, newLeader);
        ReplicaBatches.awaitIdentical(cluster, PARTITION_DIR, STEP_TIMEOUT);
        List<Long> readBack = readBack(cluster);
        List<Long> lost = acknowledged.stream().filter(seq -> !readBack.contains(seq)).toList();
        System.out.printf("acks=all: acknowledged %d (%d before the cut, %d during, %d after the failover), "
                + "timed out during the cut %d, read back %d, lost %d; killed leader's log end %d, new leader's %d%n",
                acknowledged.size(), ACKNOWLEDGED_BEFORE_CUT, acknowledgedDuringCut, acknowledgedAfterFailover,
                timedOutDuringCut, readBack.size(), lost.size(), killedEnd, newLeaderEnd);
        assertThat(lost).as("acknowledged, then lost").isEmpty();
        assertThat(readBack).as("no record twice").doesNotHaveDuplicates();
    }

    /** Creates the topic (RF 3, min ISR 1, unclean election off); returns its leader once the ISR is full. */
    private static int createTopic(PartitionStates states) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            try {
                states.createTopic(TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "1",
                        "unclean.leader.election.enable", "false"));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // an earlier try that timed out succeeded
                    throw e;
                }
            }
        });
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            PartitionStates.State state = states.of(TOPIC, 0);
            leader[0] = state.leader();
            return state.leader() >= 0 && state.isr().size() == 3;
        });
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                states.requireLeadersServe(TOPIC, 1));
        return leader[0];
    }

    private static List<Integer> followers(PartitionStates states, int leader) throws Exception {
        return states.of(TOPIC, 0).replicas().stream().filter(id -> id != leader).toList();
    }

    private static Future<RecordMetadata> send(KafkaProducer<String, String> producer, long seq) {
        return producer.send(new ProducerRecord<>(TOPIC, 0, null, SequenceWriter.encode(seq, VALUE_BYTES)));
    }

    /**
     * Kills the leader with {@code kill -9}, waits until a follower of the ISR leads (cleanly), and
     * heals the leader's proxy; returns the new leader.
     *
     * <p>The black hole holds what it read and would deliver it on healing, as a network that comes
     * back delivers late packets: a fetch response the dead leader wrote during the cut would then
     * reach a follower after all. The proxy's connections are reset before healing, so the cut stays
     * a cut and the loss an exact count.
     */
    private int killLeaderAndAwaitFailover(ChildCluster cluster, PartitionStates states, int leader,
            List<Integer> followers) {
        cluster.kill9(leader);
        proxies.get(leader).resetAll();
        int newLeader = ClusterRun.awaitNewLeader(states, TOPIC, leader);
        assertThat(followers).as("a clean election: a follower of the ISR leads").contains(newLeader);
        proxies.get(leader).heal();
        return newLeader;
    }

    /**
     * Starts the killed node again and checks that it found its logs as a crash leaves them (no
     * clean-shutdown marker) with the partition in them: what it truncates next, it recovered first.
     */
    private static void restartKilled(ChildCluster cluster, int id) throws IOException {
        cluster.restart(id);
        assertThat(Files.readString(cluster.node(id).logFile())).as("node %d's log after its restart", id)
                .containsPattern("Loaded 1 partitions of 1 topics .*no clean-shutdown marker");
    }

    /** Waits until the restarted {@code oldLeader}'s log ends where {@code newLeader}'s does. */
    private static void awaitTruncated(ChildCluster cluster, int oldLeader, int newLeader) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> assertThat(logEnd(cluster, oldLeader))
                        .as("the old leader's log end after its restart: it truncated its unreplicated tail")
                        .isEqualTo(logEnd(cluster, newLeader)));
    }

    private static void awaitLogEnds(ChildCluster cluster, List<Integer> ids, long end) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptionsInstanceOf(IOException.class)
                .untilAsserted(() -> {
                    for (int id : ids) {
                        assertThat(logEnd(cluster, id)).as("node %d's log end", id).isEqualTo(end);
                    }
                });
    }

    private static long logEnd(ChildCluster cluster, int id) throws IOException {
        return ReplicaBatches.logEndOffset(cluster.node(id).dataDir().resolve(PARTITION_DIR));
    }

    /** The sequence numbers of the partition's records, in offset order, as a consumer reads them. */
    private static List<Long> readBack(ChildCluster cluster) {
        return TopicReader.readAll(cluster.bootstrapServers(), TOPIC, 1, STEP_TIMEOUT).get(0).stream()
                .map(TopicReader.Stored::seq).toList();
    }
}
