package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * The faults a process can suffer without dying, and the controller's own death, under an
 * idempotent acks=all stream (three cluster nodes in child JVMs, replication factor 3,
 * {@code min.insync.replicas=2}):
 * <ol>
 *   <li>the leader of partition 0 is frozen with {@code SIGSTOP} until its broker session expires:
 *       the controller fences it and a follower leads in a new epoch while it sleeps; thawed with
 *       {@code SIGCONT}, it learns it no longer leads, truncates what the new leader lacks and joins
 *       the ISR again (a zombie leader must never make its stale writes count);</li>
 *   <li>the node running the controller (the metadata quorum's leader) is killed with
 *       {@code kill -9}: another node becomes the controller, and the killed one comes back and
 *       rejoins every ISR.</li>
 * </ol>
 * At the end nothing acknowledged is lost, duplicated or reordered, no offset a consumer read
 * changed, the replicas are identical, and every leader epoch of every partition had one leader,
 * judged from each node's own log of the epochs it led.
 */
class ClusterPauseIT {

    private static final String TOPIC = "cluster-pause";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_SECOND = 1_000;
    private static final long MAX_RECORDS = 150_000;
    private static final int VALUE_BYTES = 100;
    private static final int SESSION_TIMEOUT_MS = 3_000;

    @Test
    void shouldFenceAFrozenLeaderAndReplaceAKilledControllerWithoutLosingAnAcknowledgedRecord() throws Exception {
        RunDirectory run = RunDirectory.create("ClusterPauseIT");
        try (ChildCluster cluster = ChildCluster.start(run, 3, Map.of(
                "broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                "broker.heartbeat.interval.ms", "500"));
             PartitionStates states = new PartitionStates(cluster.bootstrapServers())) {
            try {
                freezeLeaderThenKillController(cluster, states);
            } catch (Throwable failure) {
                cluster.dumpThreads();
                throw failure;
            }
        }
        run.passed();
    }

    private static void freezeLeaderThenKillController(ChildCluster cluster, PartitionStates states) throws Exception {
        SendHistory history = new SendHistory();
        await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(200)).ignoreExceptions().untilAsserted(() ->
                states.createTopic(TOPIC, PARTITIONS, (short) 3, Map.of("min.insync.replicas", "2")));
        LiveReader liveReader = new LiveReader(cluster.bootstrapServers(), TOPIC, PARTITIONS);
        liveReader.start();
        // Requests stuck on the frozen node are given up on sooner than the default 30 s.
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(cluster.bootstrapServers(), 120_000,
                Map.of("request.timeout.ms", 10_000))) {
            SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 5_000, VALUE_BYTES);
            writer.startStream(List.of(0, 1, 2), RECORDS_PER_SECOND, MAX_RECORDS);

            int frozen = ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            long frozenNs = System.nanoTime();
            cluster.pause(frozen);
            int newLeader = ClusterRun.awaitNewLeader(states, TOPIC, frozen);
            long fencedMs = Duration.ofNanos(System.nanoTime() - frozenNs).toMillis();
            long acksWhileFrozen = history.ackCount() + 200;
            await().atMost(ClusterRun.STEP_TIMEOUT).until(() -> history.ackCount() >= acksWhileFrozen);
            cluster.resume(frozen);
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 500, MAX_RECORDS);
            String frozenLog = Files.readString(cluster.node(frozen).logFile());
            assertThat(frozenLog).as("node %d's log after it was thawed", frozen)
                    .contains("Following broker " + newLeader + " for " + TOPIC + "-0");
            System.out.printf("frozen leader %d replaced by %d after %d ms, back in the ISR%n", frozen, newLeader, fencedMs);

            AtomicInteger controller = new AtomicInteger(-1);
            await().atMost(ClusterRun.STEP_TIMEOUT).ignoreExceptions().until(() -> {
                controller.set(states.quorumLeader());
                return controller.get() > 0;
            });
            long killNs = System.nanoTime();
            cluster.kill9(controller.get());
            cluster.relaunch(controller.get());
            AtomicInteger nextController = new AtomicInteger(-1);
            await().atMost(ClusterRun.STEP_TIMEOUT).pollInterval(Duration.ofMillis(100)).ignoreExceptions().until(() -> {
                nextController.set(states.quorumLeader());
                return nextController.get() > 0 && nextController.get() != controller.get();
            });
            long electedMs = Duration.ofNanos(System.nanoTime() - killNs).toMillis();
            cluster.awaitStarted(controller.get());
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            for (int p = 1; p < PARTITIONS; p++) {
                int partition = p;
                await().atMost(ClusterRun.STEP_TIMEOUT).ignoreExceptions()
                        .until(() -> states.of(TOPIC, partition).isr().size() == 3);
            }
            System.out.printf("controller %d killed, node %d controls after %d ms%n", controller.get(),
                    nextController.get(), electedMs);
            writer.stopStream();
            producer.flush();
        }
        ClusterRun.assertNothingLost(cluster, TOPIC, PARTITIONS, history, liveReader, "ClusterPauseIT");
    }
}
