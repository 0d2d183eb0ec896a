package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * A partition leader frozen, the controller frozen, then killed, and a leader stopped by its
 * operator, under an idempotent acks=all stream (three cluster nodes in child JVMs, replication factor 3,
 * {@code min.insync.replicas=2}):
 * <ol>
 *   <li>the leader of partition 0 is frozen with {@code SIGSTOP} until its broker session expires:
 *       the controller fences it and a follower leads in a new epoch while it sleeps; thawed with
 *       {@code SIGCONT}, it learns it no longer leads, truncates what the new leader lacks and joins
 *       the ISR again (a zombie leader must never make its stale writes count);</li>
 *   <li>the node running the controller (the metadata quorum's leader) is frozen past its session:
 *       another node becomes the controller, the stream goes on, no live broker is fenced (their
 *       heartbeats stuck on the frozen node give up after a third of the session and reach the new
 *       controller in time), and the frozen one, thawed, rejoins;</li>
 *   <li>the node running the controller is killed with
 *       {@code kill -9}: another node becomes the controller, and the killed one comes back and
 *       rejoins every ISR;</li>
 *   <li>the leader of partition 0 is stopped as an operator stops it ({@code SIGTERM}): it hands
 *       its leaderships over before it exits, so the first answer a client gets after the exit
 *       already names another leader, and the producer sees only retriable errors.</li>
 * </ol>
 * At the end nothing acknowledged is lost, duplicated or reordered (no send failed), no offset a
 * consumer read changed, the replicas are identical, and every leader epoch of every partition had one leader,
 * judged from each node's own log of the epochs it led.
 */
class ClusterFaultsIT {

    private static final String TOPIC = "cluster-faults";
    private static final int PARTITIONS = 3;
    private static final int RECORDS_PER_SECOND = 1_000;
    private static final long MAX_RECORDS = 150_000;
    private static final int VALUE_BYTES = 100;
    private static final int SESSION_TIMEOUT_MS = 6_000;

    @Test
    void shouldSurviveFrozenNodesAKilledControllerAndAStoppedLeaderWithoutLosingAnAcknowledgedRecord() throws Exception {
        ClusterRun.inThreeNodes("ClusterFaultsIT", Map.of(
                "broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS),
                "broker.heartbeat.interval.ms", "500"), ClusterFaultsIT::freezeKillAndStop);
    }

    private static void freezeKillAndStop(ChildCluster cluster, PartitionStates states) throws Exception {
        SendHistory history = new SendHistory();
        LiveReader liveReader = ClusterRun.createTopicAndRead(cluster, states, TOPIC, PARTITIONS);
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

            int frozenController = ClusterRun.awaitQuorumLeaderOtherThan(states, -1);
            Map<Integer, Long> logsBeforeFreeze = logSizes(cluster);
            cluster.pause(frozenController);
            ClusterRun.awaitQuorumLeaderOtherThan(states, frozenController);
            long acksWithoutController = history.ackCount() + 200;
            await().atMost(ClusterRun.STEP_TIMEOUT).until(() -> history.ackCount() >= acksWithoutController);
            // Held for a session past the new controller's start: a live broker it would fence, it has by then.
            await().during(Duration.ofMillis(SESSION_TIMEOUT_MS)).atMost(ClusterRun.STEP_TIMEOUT)
                    .until(() -> fencings(cluster, logsBeforeFreeze).stream()
                            .allMatch(line -> line.contains("Broker " + frozenController + " is fenced")));
            cluster.resume(frozenController);
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 500, MAX_RECORDS);
            System.out.printf("frozen controller %d replaced, back in every ISR%n", frozenController);

            int controller = ClusterRun.awaitQuorumLeaderOtherThan(states, -1);
            long killNs = System.nanoTime();
            cluster.kill9(controller);
            // Started again only once another node controls: a node back within an election timeout may win
            // the next term itself, and no other node would ever have been seen taking over.
            int nextController = ClusterRun.awaitQuorumLeaderOtherThan(states, controller);
            long electedMs = Duration.ofNanos(System.nanoTime() - killNs).toMillis();
            cluster.relaunch(controller);
            cluster.awaitStarted(controller);
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            for (int p = 1; p < PARTITIONS; p++) {
                int partition = p;
                await().atMost(ClusterRun.STEP_TIMEOUT).ignoreExceptions()
                        .until(() -> states.of(TOPIC, partition).isr().size() == 3);
            }
            System.out.printf("controller %d killed, node %d controls after %d ms%n", controller, nextController, electedMs);

            int stopped = ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            long stopNs = System.nanoTime();
            cluster.stop(stopped);
            long stopMs = Duration.ofNanos(System.nanoTime() - stopNs).toMillis();
            AtomicInteger leaderAfterExit = new AtomicInteger(-1);
            await().atMost(ClusterRun.STEP_TIMEOUT).ignoreExceptions().until(() -> {
                leaderAfterExit.set(states.of(TOPIC, 0).leader()); // the first answer counts, whatever it is
                return true;
            });
            assertThat(leaderAfterExit.get()).as("partition 0's leader as soon as node %d had exited", stopped)
                    .isNotIn(stopped, -1);
            assertThat(Files.readString(cluster.node(stopped).logFile()))
                    .contains("Controlled shutdown: node " + stopped + " handed over its leaderships");
            System.out.printf("leader %d stopped with SIGTERM in %d ms, node %d led before it exited%n", stopped, stopMs,
                    leaderAfterExit.get());
            cluster.restart(stopped);
            ClusterRun.awaitFullIsrAndProgress(cluster, states, TOPIC, history, 1_000, MAX_RECORDS);
            writer.stopStream();
            producer.flush();
        }
        ClusterRun.assertNothingLost(cluster, TOPIC, PARTITIONS, history, liveReader, "ClusterFaultsIT");
    }

    private static Map<Integer, Long> logSizes(ChildCluster cluster) throws IOException {
        Map<Integer, Long> sizes = new HashMap<>();
        for (int id : cluster.nodeIds()) {
            sizes.put(id, Files.size(cluster.node(id).logFile()));
        }
        return sizes;
    }

    /** The controllers' fencing lines every node logged since {@code from} (its log's size then). */
    private static List<String> fencings(ChildCluster cluster, Map<Integer, Long> from) throws IOException {
        List<String> lines = new ArrayList<>();
        for (int id : cluster.nodeIds()) {
            byte[] log = Files.readAllBytes(cluster.node(id).logFile());
            int start = (int) Math.min(log.length, from.get(id));
            String since = new String(log, start, log.length - start, StandardCharsets.UTF_8);
            since.lines().filter(line -> line.contains(" is fenced: no heartbeat")).forEach(lines::add);
        }
        return lines;
    }
}
