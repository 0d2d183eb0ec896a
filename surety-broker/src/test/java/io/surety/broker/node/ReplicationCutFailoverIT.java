package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.partition.Partition;
import io.surety.harness.FaultProxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The seeds' acks=1 loss, counted, and acks=all under the same fault. Three nodes, RF 3,
 * {@code min.insync.replicas=1}, unclean election off. Every node's inter-broker listener is
 * advertised at a {@link FaultProxy} in front of it, so followers fetch from a leader through that
 * leader's proxy, and clients and the metadata quorum bypass them all.
 *
 * <p>The steps: records replicated everywhere; the leader's proxy black-holed (its followers'
 * fetches stop, nothing else); more records sent; the leader killed without a controlled shutdown
 * while its followers, behind, are still in the ISR ({@code replica.lag.time.max.ms} is long); a
 * follower elected, cleanly; the proxy healed and the old leader restarted. With acks=1 the records
 * acknowledged during the cut are gone from the new leader, and the old leader truncates them away
 * when it comes back: Kafka's documented trade. With acks=all none are acknowledged during the cut,
 * so nothing acknowledged is lost.
 */
class ReplicationCutFailoverIT {

    private static final String TOPIC = "cut-off";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int REPLICATED = 200;
    private static final int SENT_DURING_CUT = 300;

    private final Map<Integer, FaultProxy> proxies = new ConcurrentHashMap<>();

    @AfterEach
    void closeProxies() {
        proxies.values().forEach(FaultProxy::close);
    }

    @Test
    void shouldLoseTheTailAcknowledgedDuringTheCutWhenAcksIsOneAndTheLeaderDies() throws Exception {
        try (SuretyCluster cluster = start()) {
            int leader = createTopic(cluster);
            List<Integer> followers = followers(cluster, leader);
            List<String> replicated = new ArrayList<>();
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "1",
                    "enable.idempotence", "false")) {
                for (int i = 0; i < REPLICATED; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "replicated-" + i)).get(30, TimeUnit.SECONDS);
                    replicated.add("replicated-" + i);
                }
                awaitFollowersAt(cluster, followers, REPLICATED);
                assertThat(proxies.get(leader).bytesToUpstream()).as("followers fetch through the leader's proxy")
                        .isPositive();

                proxies.get(leader).blackHole();
                List<String> acknowledgedDuringCut = new ArrayList<>();
                for (int i = 0; i < SENT_DURING_CUT; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "cut-" + i)).get(30, TimeUnit.SECONDS);
                    acknowledgedDuringCut.add("cut-" + i);
                }
                assertThat(acknowledgedDuringCut).hasSize(SENT_DURING_CUT);
                long leaderEndBeforeKill = ClusterFixtures.replica(cluster, leader, TP).logEndOffset();
                assertThat(leaderEndBeforeKill).isEqualTo(REPLICATED + SENT_DURING_CUT);
                assertThat(followers).allSatisfy(id -> assertThat(ClusterFixtures.replica(cluster, id, TP)
                        .logEndOffset()).as("node %d, cut off from the leader", id).isEqualTo(REPLICATED));
                assertThat(ClusterFixtures.state(cluster, followers.get(0), TOPIC, 0).isr())
                        .as("the followers are behind but still in the ISR").containsExactlyInAnyOrderElementsOf(
                                ClusterFixtures.state(cluster, followers.get(0), TOPIC, 0).replicas());

                int newLeader = killLeaderAndAwaitFailover(cluster, leader, followers);
                List<String> readBack = ClusterFixtures.readAll(cluster, TP);
                List<String> lost = acknowledgedDuringCut.stream().filter(v -> !readBack.contains(v)).toList();
                System.out.printf("acks=1: acknowledged %d, read back %d, lost %d (old leader's log end %d)%n",
                        REPLICATED + acknowledgedDuringCut.size(), readBack.size(), lost.size(), leaderEndBeforeKill);
                assertThat(readBack).as("the new leader has what was replicated, and nothing of the cut")
                        .containsExactlyElementsOf(replicated);
                assertThat(lost).as("every record acknowledged during the cut is lost").hasSize(SENT_DURING_CUT);

                cluster.restart(leader);
                await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
                    Partition returned = ClusterFixtures.replica(cluster, leader, TP);
                    assertThat(returned).isNotNull();
                    assertThat(returned.logEndOffset()).as("the old leader truncated its unreplicated tail")
                            .isEqualTo(ClusterFixtures.replica(cluster, newLeader, TP).logEndOffset())
                            .isEqualTo(REPLICATED);
                });
                assertThat(ClusterFixtures.readAll(cluster, TP)).containsExactlyElementsOf(replicated);
            }
        }
    }

    @Test
    void shouldKeepEveryAcknowledgedRecordWhenAcksIsAllAndTheLeaderDiesCutOff() throws Exception {
        try (SuretyCluster cluster = start()) {
            int leader = createTopic(cluster);
            List<Integer> followers = followers(cluster, leader);
            List<String> acknowledged = new ArrayList<>();
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < 1_000; i++) {
                    sends.add(producer.send(new ProducerRecord<>(TOPIC, "before-" + i)));
                }
                for (int i = 0; i < sends.size(); i++) {
                    sends.get(i).get(30, TimeUnit.SECONDS);
                    acknowledged.add("before-" + i);
                }
            }
            assertThat(acknowledged).hasSizeGreaterThanOrEqualTo(1_000);

            proxies.get(leader).blackHole();
            int acknowledgedDuringCut = 0;
            int timedOutDuringCut = 0;
            try (KafkaProducer<String, String> cut = ClusterFixtures.producer(cluster, "all",
                    "enable.idempotence", "false", "request.timeout.ms", "1500", "delivery.timeout.ms", "3000",
                    "linger.ms", "0")) {
                List<Future<RecordMetadata>> sends = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    sends.add(cut.send(new ProducerRecord<>(TOPIC, "cut-" + i)));
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
            assertThat(timedOutDuringCut).isEqualTo(20);

            int newLeader = killLeaderAndAwaitFailover(cluster, leader, followers);
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "after-" + i)).get(60, TimeUnit.SECONDS);
                    acknowledged.add("after-" + i);
                }
            }
            cluster.restart(leader);
            await().atMost(60, TimeUnit.SECONDS).untilAsserted(() -> {
                Partition returned = ClusterFixtures.replica(cluster, leader, TP);
                assertThat(returned).isNotNull();
                assertThat(returned.logEndOffset()).isEqualTo(ClusterFixtures.replica(cluster, newLeader, TP).logEndOffset());
            });
            List<String> readBack = ClusterFixtures.readAll(cluster, TP);
            List<String> lost = acknowledged.stream().filter(v -> !readBack.contains(v)).toList();
            System.out.printf("acks=all: acknowledged %d (%d before the cut, 0 during, %d after the failover), "
                    + "read back %d, lost %d%n", acknowledged.size(), 1_000, acknowledged.size() - 1_000,
                    readBack.size(), lost.size());
            assertThat(lost).as("acknowledged, then lost").isEmpty();
            assertThat(readBack).as("no record twice").doesNotHaveDuplicates();
        }
    }

    /**
     * Three nodes whose inter-broker listeners are advertised at proxies; a long
     * {@code replica.lag.time.max.ms}, so cut-off followers stay in the ISR for the whole test.
     */
    private SuretyCluster start() throws java.io.IOException {
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> {
                    FaultProxy proxy = FaultProxy.builder("127.0.0.1", boundPort).name("replication-" + nodeId).start();
                    proxies.put(nodeId, proxy);
                    return proxy.address();
                })
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "2000")
                .config("replica.lag.time.max.ms", "120000")
                .start();
        await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
        return cluster;
    }

    /** Creates the topic (RF 3, min ISR 1, unclean election off); returns its leader. */
    private static int createTopic(SuretyCluster cluster) throws Exception {
        ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "1",
                "unclean.leader.election.enable", "false"));
        await().atMost(30, TimeUnit.SECONDS).until(() -> {
            var topic = ClusterFixtures.image(cluster, 1).topic(TOPIC);
            return topic != null && topic.partition(0).hasLeader() && topic.partition(0).isr().size() == 3;
        });
        return ClusterFixtures.state(cluster, 1, TOPIC, 0).leader();
    }

    private static List<Integer> followers(SuretyCluster cluster, int leader) {
        return ClusterFixtures.state(cluster, leader, TOPIC, 0).replicas().stream().filter(id -> id != leader).toList();
    }

    private static void awaitFollowersAt(SuretyCluster cluster, List<Integer> followers, long endOffset) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> followers.stream().allMatch(id -> {
            Partition replica = ClusterFixtures.replica(cluster, id, TP);
            return replica != null && replica.logEndOffset() == endOffset;
        }));
    }

    /**
     * Stops the leader without a controlled shutdown (its log keeps what only it has), waits for a
     * clean election of a follower, and heals the leader's proxy.
     *
     * <p>The black hole holds what it read and would deliver it on healing, as a network that comes
     * back delivers late packets: a fetch response the dead leader wrote during the cut would then
     * reach a follower after all. The proxy's connections are reset before healing, so the cut stays
     * a cut and the loss an exact count.
     */
    private int killLeaderAndAwaitFailover(SuretyCluster cluster, int leader, List<Integer> followers) {
        cluster.halt(leader);
        proxies.get(leader).resetAll();
        int observer = followers.get(0);
        await().atMost(60, TimeUnit.SECONDS).until(() -> {
            PartitionState now = ClusterFixtures.state(cluster, observer, TOPIC, 0);
            return now.hasLeader() && now.leader() != leader;
        });
        int newLeader = ClusterFixtures.state(cluster, observer, TOPIC, 0).leader();
        assertThat(followers).as("a clean election: a follower of the ISR leads").contains(newLeader);
        proxies.get(leader).heal();
        return newLeader;
    }
}
