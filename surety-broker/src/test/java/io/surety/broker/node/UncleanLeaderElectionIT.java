package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.LogCapture;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
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
 * The ISR has shrunk to the leader alone (its followers stopped), records are acknowledged, and the
 * leader stops too; the followers come back. Without unclean election the partition stays without a
 * leader until the old leader returns, and nothing acknowledged is lost. With it, a follower leads,
 * the records only the old leader had are lost (counted here), and the old leader truncates them when
 * it returns as a follower.
 */
class UncleanLeaderElectionIT {

    private static final String TOPIC = "last-replica";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void shouldWaitForTheLastInSyncReplicaWhenUncleanElectionIsOff() throws Exception {
        try (SuretyCluster cluster = cluster()) {
            Scenario run = shrinkToLeaderThenStopIt(cluster, false);

            restartFollowers(cluster, run);
            await().atMost(30, TimeUnit.SECONDS).until(() -> image(cluster, run.follower()).broker(run.leader).fenced());
            assertThat(state(cluster, run.follower()).leader()).as("no leader outside the ISR").isEqualTo(-1);
            assertThat(state(cluster, run.follower()).isr()).containsExactly(run.leader);

            cluster.restart(run.leader);
            await().atMost(30, TimeUnit.SECONDS).until(() -> state(cluster, run.leader).leader() == run.leader);
            assertThat(ClusterFixtures.readAll(cluster, TP)).containsAll(run.acknowledged);
        }
    }

    @Test
    void shouldElectAFollowerAndLoseWhatOnlyTheOldLeaderHadWhenUncleanElectionIsOn() throws Exception {
        try (SuretyCluster cluster = cluster();
             LogCapture controller = LogCapture.attach(ActiveController.class.getName(), false)) {
            Scenario run = shrinkToLeaderThenStopIt(cluster, true);

            restartFollowers(cluster, run);
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                PartitionState now = state(cluster, run.follower());
                return now.hasLeader() && now.leader() != run.leader;
            });

            cluster.restart(run.leader);
            int newLeader = state(cluster, run.follower()).leader();
            await().atMost(30, TimeUnit.SECONDS).until(() -> replica(cluster, run.leader).logEndOffset()
                    == replica(cluster, newLeader).logEndOffset());
            List<String> read = ClusterFixtures.readAll(cluster, TP);
            List<String> lost = run.acknowledged.stream().filter(v -> !read.contains(v)).toList();
            assertThat(lost).as("acknowledged while the ISR was the old leader alone, then lost").isNotEmpty()
                    .allMatch(v -> v.startsWith("alone-"));
            assertThat(controller.keptWarnings()).anyMatch(line -> line.contains("Unclean leader election for " + TOPIC
                    + "-0") && line.contains("outside the ISR [" + run.leader + "]"));
            assertThat(read).doesNotContain(run.acknowledged.stream().filter(v -> v.startsWith("alone-")).toArray(String[]::new));
        }
    }

    private record Scenario(int leader, List<Integer> followers, List<String> acknowledged) {
        int follower() {
            return followers.get(0);
        }
    }

    private static SuretyCluster cluster() throws java.io.IOException {
        // Five voters: with the partition's two followers stopped, and then its leader, the metadata quorum
        // still has (or regains) a majority, so fencing and elections go on.
        return ClusterFixtures.startReady(5, 2000);
    }

    /** Acknowledged records with the full ISR, then with the leader alone in it; then the leader stops. */
    private static Scenario shrinkToLeaderThenStopIt(SuretyCluster cluster, boolean unclean) throws Exception {
        ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "1",
                "unclean.leader.election.enable", Boolean.toString(unclean)));
        await().atMost(30, TimeUnit.SECONDS).until(() -> image(cluster, 1).topic(TOPIC) != null);
        PartitionState created = image(cluster, 1).topic(TOPIC).partition(0);
        int leader = created.leader();
        List<Integer> followers = created.replicas().stream().filter(id -> id != leader).toList();
        List<String> acknowledged = new ArrayList<>();
        try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "together-" + i)).get(30, TimeUnit.SECONDS);
                acknowledged.add("together-" + i);
            }
            followers.forEach(cluster::halt);
            await().atMost(30, TimeUnit.SECONDS).until(() -> state(cluster, leader).isr().equals(List.of(leader)));
            for (int i = 0; i < 100; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "alone-" + i)).get(30, TimeUnit.SECONDS);
                acknowledged.add("alone-" + i);
            }
        }
        cluster.halt(leader);
        return new Scenario(leader, followers, acknowledged);
    }

    private static void restartFollowers(SuretyCluster cluster, Scenario run) throws java.io.IOException {
        for (int id : run.followers) {
            cluster.restart(id);
        }
        await().atMost(30, TimeUnit.SECONDS).until(() -> run.followers.stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
    }

    private static ClusterImage image(SuretyCluster cluster, int node) {
        return ClusterFixtures.image(cluster, node);
    }

    private static PartitionState state(SuretyCluster cluster, int node) {
        return image(cluster, node).topic(TOPIC).partition(0);
    }

    private static io.surety.broker.partition.Partition replica(SuretyCluster cluster, int node) {
        return ClusterFixtures.replica(cluster, node, TP);
    }
}
