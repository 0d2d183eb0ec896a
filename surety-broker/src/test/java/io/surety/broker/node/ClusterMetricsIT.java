package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.metrics.MetricsHttpServer;
import io.surety.broker.metrics.PrometheusText;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/**
 * A cluster node's replication and controller series and its {@code /ready}, on three in-process
 * nodes: a follower that stops makes its leader's partition under-replicated and under its
 * minimum ISR and counts one ISR shrink; when it rejoins both go back to 0 and one expand is
 * counted; exactly one node reports itself the active controller, and it counts the election that
 * follows the leader's crash; and a restarted node answers
 * {@code /ready} 503, naming its missing registration, until a quorum majority lets it register.
 */
class ClusterMetricsIT {

    private static final String TOPIC = "watched";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void shouldReportUnderReplicationAndIsrChangesWhenAFollowerStopsAndRejoins() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000, "replica.lag.time.max.ms", "1500")) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "3"));
            int leader = ClusterFixtures.state(cluster, 1, TOPIC, 0).leader();
            int follower = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
            try (KafkaProducer<String, String> one = ClusterFixtures.producer(cluster, "1",
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")) {
                one.send(new ProducerRecord<>(TOPIC, 0, "k", "first")).get(30, TimeUnit.SECONDS);
                await().atMost(30, TimeUnit.SECONDS).until(() -> scrape(cluster, leader)
                        .value("surety_replica_max_lag").orElse(-1) == 0);
                PrometheusText healthy = scrape(cluster, leader);
                assertThat(healthy.value("surety_under_replicated_partitions")).hasValue(0);
                assertThat(healthy.value("surety_under_min_isr_partitions")).hasValue(0);
                assertThat(healthy.value("surety_partition_isr_size", "topic", TOPIC, "partition", "0")).hasValue(3);
                double shrinks = healthy.value("surety_isr_shrinks_total").orElseThrow();
                double expands = healthy.value("surety_isr_expands_total").orElseThrow();
                assertThat(activeControllers(cluster)).isEqualTo(1);

                cluster.halt(follower);
                for (int i = 0; i < 5; i++) {
                    one.send(new ProducerRecord<>(TOPIC, 0, "k", "while-" + i)).get(30, TimeUnit.SECONDS);
                }
                await().atMost(30, TimeUnit.SECONDS).until(() -> scrape(cluster, leader)
                        .value("surety_under_min_isr_partitions").orElse(0) == 1
                        && scrape(cluster, leader).value("surety_isr_shrinks_total").orElse(0) == shrinks + 1);
                PrometheusText degraded = scrape(cluster, leader);
                assertThat(degraded.value("surety_under_replicated_partitions")).hasValue(1);
                assertThat(degraded.value("surety_partition_isr_size", "topic", TOPIC, "partition", "0")).hasValue(2);
                assertThat(degraded.value("surety_isr_shrinks_total")).hasValue(shrinks + 1);
                assertThat(degraded.value("surety_replica_lag", "topic", TOPIC, "partition", "0", "replica",
                        Integer.toString(follower))).hasValue(5);
                assertThat(degraded.value("surety_replica_max_lag")).hasValue(5);
                // Past broker.session.timeout.ms the controller fences the stopped broker.
                await().atMost(30, TimeUnit.SECONDS).until(() -> sumOverRunning(cluster, "surety_controller_fenced_brokers") == 1);
                assertThat(activeControllers(cluster)).isEqualTo(1);

                cluster.restart(follower);
                // The counter moves just after the partition takes the committed ISR: await both.
                await().atMost(30, TimeUnit.SECONDS).until(() -> scrape(cluster, leader)
                        .value("surety_under_replicated_partitions").orElse(1) == 0
                        && scrape(cluster, leader).value("surety_isr_expands_total").orElse(0) == expands + 1);
                PrometheusText recovered = scrape(cluster, leader);
                assertThat(recovered.value("surety_under_min_isr_partitions")).hasValue(0);
                assertThat(recovered.value("surety_partition_isr_size", "topic", TOPIC, "partition", "0")).hasValue(3);
                assertThat(recovered.value("surety_isr_expands_total")).hasValue(expands + 1);
                assertThat(recovered.value("surety_isr_shrinks_total")).hasValue(shrinks + 1);
                await().atMost(30, TimeUnit.SECONDS).until(() -> sumOverRunning(cluster, "surety_controller_fenced_brokers") == 0);
                assertThat(activeControllers(cluster)).isEqualTo(1);
                assertThat(sumOverRunning(cluster, "surety_controller_offline_partitions")).isZero();
                assertThat(sumOverRunning(cluster, "surety_controller_leader_elections_total"))
                        .as("removing and adding ISR members elects nobody").isZero();

                // The leader stops without handing over: past its session the controller elects another from the ISR.
                cluster.halt(leader);
                await().atMost(30, TimeUnit.SECONDS).until(() -> sumOverRunning(cluster,
                        "surety_controller_leader_elections_total") >= 1);
                assertThat(sumOverRunning(cluster, "surety_controller_unclean_leader_elections_total")).isZero();
                assertThat(sumOverRunning(cluster, "surety_controller_offline_partitions")).isZero();
            }
        }
    }

    @Test
    void shouldAnswerNotReadyUntilTheNodeHasRegisteredWithAQuorum() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            cluster.nodeIds().forEach(cluster::halt);
            // Alone, node 1 is one voter of three: no controller, so nobody can register it.
            SuretyBroker alone = cluster.restart(1);
            try (MetricsHttpServer http = MetricsHttpServer.start("127.0.0.1", 0, alone.metrics().registry(),
                    alone::health)) {
                HttpResponse<String> waiting = get(http.port(), "/ready");
                assertThat(waiting.statusCode()).isEqualTo(503);
                assertThat(waiting.body()).startsWith("not ready: joining the cluster")
                        .contains("waiting for registration").contains("waiting for unfencing")
                        .contains("waiting for metadata");
                assertThat(PrometheusText.scrape(alone.metrics().registry()).value("surety_broker_ready")).hasValue(0);

                cluster.restart(2);
                await().atMost(30, TimeUnit.SECONDS).until(() -> get(http.port(), "/ready").statusCode() == 200);
                assertThat(get(http.port(), "/ready").body()).startsWith("ready");
                assertThat(PrometheusText.scrape(alone.metrics().registry()).value("surety_broker_ready")).hasValue(1);
            }
        }
    }

    private static PrometheusText scrape(SuretyCluster cluster, int node) {
        return PrometheusText.scrape(cluster.node(node).orElseThrow().metrics().registry());
    }

    private static double sumOverRunning(SuretyCluster cluster, String series) {
        return cluster.nodeIds().stream().filter(id -> cluster.node(id).isPresent())
                .mapToDouble(id -> scrape(cluster, id).value(series).orElse(0)).sum();
    }

    /** How many running nodes report themselves the active controller; awaited, as an election may be under way. */
    private static double activeControllers(SuretyCluster cluster) {
        await().atMost(30, TimeUnit.SECONDS).until(() -> sumOverRunning(cluster, "surety_controller_active") == 1);
        return sumOverRunning(cluster, "surety_controller_active");
    }

    private static HttpResponse<String> get(int port, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
