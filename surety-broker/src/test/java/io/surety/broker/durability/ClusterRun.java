package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster.ListenerAddress;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * The steps and final checks shared by the cluster fault tests: an idempotent acks=all stream of
 * sequence records into one topic of a {@link ChildCluster} while nodes fail. Waits poll what
 * clients are told ({@link PartitionStates}); the checks read the whole topic back at the end.
 * Stateless.
 */
final class ClusterRun {

    static final Duration STEP_TIMEOUT = Duration.ofSeconds(60);

    /** What a test does with its running cluster. */
    interface Scenario {
        void run(ChildCluster cluster, PartitionStates states) throws Exception;
    }

    private ClusterRun() {
    }

    /**
     * Starts three nodes with {@code settings} in a {@link RunDirectory} named {@code testName},
     * runs {@code scenario}, and kills the nodes; a failing scenario first has every node dump its
     * threads into its log, and the run directory is kept.
     */
    static void inThreeNodes(String testName, Map<String, String> settings, Scenario scenario) throws Exception {
        in(RunDirectory.create(testName), run -> ChildCluster.start(run, 3, settings), scenario);
    }

    /**
     * As {@link #inThreeNodes}, with every node's replication listener advertised at the address
     * {@code replication} returns (see {@link ChildCluster#startWithReplicationListener}).
     */
    static void inThreeNodesReplicatingThrough(String testName, Map<String, String> settings,
            ListenerAddress replication, Scenario scenario) throws Exception {
        in(RunDirectory.create(testName),
                run -> ChildCluster.startWithReplicationListener(run, 3, settings, replication), scenario);
    }

    private interface Starter {
        ChildCluster start(RunDirectory run) throws IOException;
    }

    private static void in(RunDirectory run, Starter starter, Scenario scenario) throws Exception {
        try (ChildCluster cluster = starter.start(run);
             PartitionStates states = new PartitionStates(cluster.bootstrapServers())) {
            try {
                scenario.run(cluster, states);
            } catch (Throwable failure) {
                cluster.dumpThreads();
                throw failure;
            }
        }
        run.passed();
    }

    /**
     * Creates {@code topic} with replication factor 3 and {@code min.insync.replicas=2} (retried
     * while the cluster forms) and starts a {@link LiveReader} on it.
     */
    static LiveReader createTopicAndRead(ChildCluster cluster, PartitionStates states, String topic, int partitions) {
        createTopic(states, topic, partitions);
        LiveReader liveReader = new LiveReader(cluster.bootstrapServers(), topic, partitions);
        liveReader.start();
        return liveReader;
    }

    /**
     * Creates {@code topic} with replication factor 3 and {@code min.insync.replicas=2} (retried
     * while the cluster forms) and waits until each partition's leader serves it.
     */
    static void createTopic(PartitionStates states, String topic, int partitions) {
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() -> {
            try {
                states.createTopic(topic, partitions, (short) 3, Map.of("min.insync.replicas", "2"));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) { // an earlier try that timed out succeeded
                    throw e;
                }
            }
        });
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().untilAsserted(() ->
                states.requireLeadersServe(topic, partitions));
    }

    /** The node coordinating {@code group} (the coordinator quorum group's leader), as FindCoordinator answers. */
    static int coordinatorOf(Admin admin, String group) throws Exception {
        return admin.describeConsumerGroups(List.of(group)).all().get().get(group).coordinator().id();
    }

    /** Waits until a node other than {@code oldCoordinator} coordinates {@code group}; returns it. */
    static int awaitCoordinatorOtherThan(Admin admin, String group, int oldCoordinator) {
        int[] now = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            now[0] = coordinatorOf(admin, group);
            return now[0] != oldCoordinator;
        });
        return now[0];
    }

    /** Waits until the metadata quorum has a leader other than {@code oldLeader} (any leader when -1); returns it. */
    static int awaitQuorumLeaderOtherThan(PartitionStates states, int oldLeader) {
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
            leader[0] = states.quorumLeader();
            return leader[0] > 0 && leader[0] != oldLeader;
        });
        return leader[0];
    }

    /**
     * Waits until partition 0 of {@code topic} has a leader and a full ISR, every node is alive, and
     * {@code moreAcks} more records are acknowledged (fewer when the stream of {@code streamLength}
     * records ends sooner); returns the leader.
     */
    static int awaitFullIsrAndProgress(ChildCluster cluster, PartitionStates states, String topic, SendHistory history,
            long moreAcks, long streamLength) {
        long acks = Math.min(history.ackCount() + moreAcks, streamLength);
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsMatching(e -> !(e instanceof IllegalStateException)).until(() -> {
            cluster.nodeIds().forEach(cluster::requireAlive);
            PartitionStates.State state = states.of(topic, 0);
            leader[0] = state.leader();
            return state.leader() >= 0 && state.isr().size() == cluster.nodeIds().size() && history.ackCount() >= acks;
        });
        return leader[0];
    }

    /** Waits until partition 0 of {@code topic} is led by a node other than {@code oldLeader}; returns it. */
    static int awaitNewLeader(PartitionStates states, String topic, int oldLeader) {
        int[] leader = {-1};
        await().atMost(STEP_TIMEOUT).pollInterval(Duration.ofMillis(50)).ignoreExceptions().until(() -> {
            leader[0] = states.of(topic, 0).leader();
            return leader[0] >= 0 && leader[0] != oldLeader;
        });
        return leader[0];
    }

    /**
     * Reads {@code topic} back and asserts what the cluster owes its producer and consumers: every
     * acknowledged record stored exactly once, in send order, at the offset it was acknowledged with,
     * nothing stored that was never sent; no offset the live reader was given changed its value; the
     * replicas of every partition hold identical batches; every leader epoch of every partition had
     * one leader. Stops {@code liveReader}. Returns the leaders by epoch of partition 0, for checks
     * of the test's own.
     */
    static Map<Integer, Set<Integer>> assertNothingLost(ChildCluster cluster, String topic, int partitions,
            SendHistory history, LiveReader liveReader, String label) throws IOException, InterruptedException {
        assertThat(history.pendingCount()).as("sends still pending after flush and close").isZero();
        assertThat(history.failureCount()).as("failed sends: %s", history.someFailures(5)).isZero();
        Map<Integer, List<TopicReader.Stored>> log = TopicReader.readAll(cluster.bootstrapServers(), topic, partitions,
                STEP_TIMEOUT);
        DeliveryReport report = DeliveryReport.check(history, log);
        await().atMost(STEP_TIMEOUT).until(() -> liveReader.reads() >= report.stored());
        liveReader.stop();
        List<String> changed = OffsetChanges.between(liveReader.seen(), log);
        Map<Integer, Map<Integer, Set<Integer>>> leadersByEpoch = new LinkedHashMap<>();
        for (int p = 0; p < partitions; p++) {
            ReplicaBatches.awaitIdentical(cluster, topic + "-" + p, STEP_TIMEOUT);
            leadersByEpoch.put(p, LeaderEpochs.ledBy(logs(cluster), topic, p));
        }
        System.out.printf("%s: %s live-reads=%d live-read-errors=%d leaders-by-epoch=%s%n", label, report.summary(),
                liveReader.reads(), liveReader.errors(), leadersByEpoch);
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.reordered()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
        assertThat(liveReader.conflicts()).as("offsets read with two values: %s", liveReader.examples()).isZero();
        assertThat(changed).as("offsets read during the run that hold something else at the end").isEmpty();
        leadersByEpoch.forEach((partition, byEpoch) -> assertThat(byEpoch)
                .as("leader epochs of %s-%d and the nodes that led them", topic, partition)
                .allSatisfy((epoch, nodes) -> assertThat(nodes).hasSize(1)));
        return leadersByEpoch.get(0);
    }

    private static Map<Integer, Path> logs(ChildCluster cluster) {
        Map<Integer, Path> logs = new LinkedHashMap<>();
        cluster.nodeIds().forEach(id -> logs.put(id, cluster.node(id).logFile()));
        return logs;
    }
}
