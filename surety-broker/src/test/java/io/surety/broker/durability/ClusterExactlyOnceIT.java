package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.JvmProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once consume-transform-produce on a three-node cluster while the coordinator's node dies:
 * a transactional copier ({@link CopierMain}, a child JVM) copies an input topic to an output topic
 * (both replication factor 3, their partitions' leaders spread over the nodes, so each transaction
 * spans several leaders) with its offsets in each transaction; the node coordinating its group and
 * transactions (the coordinator quorum group's leader) is killed with {@code kill -9}
 * {@value #KILLS} times, each time while the copier runs, and started again once another node
 * coordinates. At the end the committed output (read_committed) equals the input exactly: every
 * record once, in order per partition.
 */
class ClusterExactlyOnceIT {

    private static final int RECORDS = 60_000;
    private static final int KILLS = 3;
    private static final String GROUP = "eos-copier";

    @Test
    void shouldCopyEveryRecordExactlyOnceWhenTheCoordinatorsNodeIsKilled() throws Exception {
        ClusterRun.inThreeNodes("ClusterExactlyOnceIT", Map.of(
                "broker.session.timeout.ms", "3000",
                "broker.heartbeat.interval.ms", "500",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"),
                ClusterExactlyOnceIT::copyWhileKillingTheCoordinator);
    }

    private static void copyWhileKillingTheCoordinator(ChildCluster cluster, PartitionStates states) throws Exception {
        long startNs = System.nanoTime();
        ClusterRun.createTopic(states, ExactlyOnceCrashIT.INPUT, ExactlyOnceCrashIT.PARTITIONS);
        ClusterRun.createTopic(states, ExactlyOnceCrashIT.OUTPUT, ExactlyOnceCrashIT.PARTITIONS);
        Set<Integer> outputLeaders = new TreeSet<>();
        for (int p = 0; p < ExactlyOnceCrashIT.PARTITIONS; p++) {
            outputLeaders.add(states.of(ExactlyOnceCrashIT.OUTPUT, p).leader());
        }
        Map<Integer, List<String>> input = ExactlyOnceCrashIT.produceInput(cluster.bootstrapServers(), RECORDS);
        Path copierLog = cluster.node(1).logFile().resolveSibling("copier.log");
        JvmProcess copier = ExactlyOnceCrashIT.copier(cluster.bootstrapServers(), copierLog);
        copier.start();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000))) {
            for (int kill = 1; kill <= KILLS; kill++) {
                // Each kill once a tenth more of the input is copied: the copier is mid-stream at every kill.
                awaitCopied(copier, copierLog, ExactlyOnceCrashIT.committedRecords(copierLog) + RECORDS / 10);
                int coordinator = ClusterRun.coordinatorOf(admin, GROUP);
                cluster.kill9(coordinator);
                int next = ClusterRun.awaitCoordinatorOtherThan(admin, GROUP, coordinator);
                cluster.relaunch(coordinator);
                cluster.awaitStarted(coordinator);
                System.out.printf("kill %d: coordinator %d -> %d, %d records committed before%n", kill, coordinator,
                        next, ExactlyOnceCrashIT.committedRecords(copierLog));
            }
        }
        Map<Integer, List<String>> output = new TreeMap<>();
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            if (!copier.isAlive()) {
                copier.start();
            }
            output.clear();
            output.putAll(ExactlyOnceCrashIT.readCommitted(cluster.bootstrapServers()));
            return output.values().stream().mapToInt(List::size).sum() >= RECORDS;
        });
        copier.kill9();
        output.clear();
        output.putAll(ExactlyOnceCrashIT.readCommitted(cluster.bootstrapServers()));
        System.out.printf("ClusterExactlyOnceIT: records=%d coordinator kills=%d output leaders=%s copier starts=%d"
                + " duration=%ds%n", RECORDS, KILLS, outputLeaders, ExactlyOnceCrashIT.countLines(copierLog, "=== start"),
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

}
