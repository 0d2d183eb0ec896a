package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.Keytool;
import io.surety.broker.SuretyCluster;
import io.surety.broker.metrics.PrometheusText;
import java.nio.file.Path;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cluster's own traffic over TLS with mutual authentication: the quorum's listener
 * {@code CONTROLLER} and the inter-broker listener {@code INTERNAL} are SSL listeners, both requiring
 * client certificates; every node shows the same certificate and trusts it. The quorum forms and
 * commits (topics are created, brokers registered), and replication works:
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
    void shouldRunTheQuorumAndReplicationOverSslListenersWithClientCertificates() throws Exception {
        String internal = SuretyCluster.INTER_BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SSL,"
                        + SuretyCluster.INTER_BROKER_LISTENER + ":SSL")
                .config("listener.name.controller.ssl.keystore.location", keys.resolve("broker.p12").toString())
                .config("listener.name.controller.ssl.keystore.password", PASSWORD)
                .config("listener.name.controller.ssl.truststore.location", keys.resolve("broker-trust.p12").toString())
                .config("listener.name.controller.ssl.truststore.password", PASSWORD)
                .config("listener.name." + internal + ".ssl.keystore.location", keys.resolve("broker.p12").toString())
                .config("listener.name." + internal + ".ssl.keystore.password", PASSWORD)
                .config("listener.name." + internal + ".ssl.truststore.location", keys.resolve("broker-trust.p12").toString())
                .config("listener.name." + internal + ".ssl.truststore.password", PASSWORD)
                .config("listener.name." + internal + ".ssl.client.auth", "required")
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .start();
        try (cluster) {
            TopicPartition tp = ClusterFixtures.replicateToAll(cluster, TOPIC, 50);
            for (int id : cluster.nodeIds()) {
                assertThat(PrometheusText.scrape(cluster.node(id).orElseThrow().metrics().registry())
                        .sum("surety_tls_handshake_failures_total")).as("node %d", id).isZero();
            }
            assertThat(ClusterFixtures.readAll(cluster, tp)).hasSize(50).startsWith("r-0").endsWith("r-49");
        }
    }
}
