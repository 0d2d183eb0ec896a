package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.Keytool;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.metrics.PrometheusText;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replication over TLS with mutual authentication: the inter-broker listener {@code INTERNAL} is an
 * SSL listener requiring client certificates, every node shows the same certificate and trusts it.
 * acks=all with {@code min.insync.replicas=3} is answered only once both followers fetched over
 * that listener, the followers hold every record, and the listener saw no failed handshake.
 */
class InterBrokerTlsIT {

    private static final String PASSWORD = "tls-test-secret";
    private static final String TOPIC = "replicated-over-tls";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("broker.p12"), "broker", "localhost", PASSWORD);
        Keytool.trust(keys.resolve("broker.p12"), "broker", keys.resolve("broker-trust.p12"), PASSWORD);
    }

    @Test
    void shouldReplicateOverAnSslInterBrokerListenerWithClientCertificates() throws Exception {
        String internal = SuretyCluster.INTER_BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                        + SuretyCluster.INTER_BROKER_LISTENER + ":SSL")
                .config("listener.name." + internal + ".ssl.keystore.location", keys.resolve("broker.p12").toString())
                .config("listener.name." + internal + ".ssl.keystore.password", PASSWORD)
                .config("listener.name." + internal + ".ssl.truststore.location", keys.resolve("broker-trust.p12").toString())
                .config("listener.name." + internal + ".ssl.truststore.password", PASSWORD)
                .config("listener.name." + internal + ".ssl.client.auth", "required")
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .start();
        try (cluster) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "3"));
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
                for (int i = 0; i < 50; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "r-" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> ClusterFixtures.replica(cluster, id, tp) != null
                            && ClusterFixtures.replica(cluster, id, tp).logEndOffset() == 50));
            for (int id : cluster.nodeIds()) {
                assertThat(PrometheusText.scrape(cluster.node(id).orElseThrow().metrics().registry())
                        .sum("surety_tls_handshake_failures_total")).as("node %d", id).isZero();
            }
            assertThat(ClusterFixtures.readAll(cluster, tp)).hasSize(50).startsWith("r-0").endsWith("r-49");
        }
    }
}
