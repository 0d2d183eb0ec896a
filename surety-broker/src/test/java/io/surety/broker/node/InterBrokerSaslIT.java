package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyCluster;
import io.surety.broker.metrics.PrometheusText;
import org.junit.jupiter.api.Test;

/**
 * Replication over SASL, as a Kafka cluster configured with {@code sasl.mechanism.inter.broker.protocol}
 * replicates: the inter-broker listener {@code INTERNAL} takes SASL_PLAINTEXT with PLAIN, and each
 * broker logs in to its peers with the username and password of that listener's JAAS setting
 * before its first replica fetch. acks=all with {@code min.insync.replicas=3} is answered once both
 * followers fetched, the followers hold every record, and the peers counted the logins.
 */
class InterBrokerSaslIT {

    private static final String TOPIC = "replicated-over-sasl";

    @Test
    void shouldReplicateOverASaslInterBrokerListenerLoggingInAsTheBroker() throws Exception {
        String internal = SuretyCluster.INTER_BROKER_LISTENER.toLowerCase(java.util.Locale.ROOT);
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                        + SuretyCluster.INTER_BROKER_LISTENER + ":SASL_PLAINTEXT")
                .config("listener.name." + internal + ".sasl.enabled.mechanisms", "PLAIN")
                .config("listener.name." + internal + ".plain.sasl.jaas.config",
                        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"broker\" "
                                + "password=\"broker-secret\" user_broker=\"broker-secret\";")
                .config("sasl.mechanism.inter.broker.protocol", "PLAIN")
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .start();
        try (cluster) {
            ClusterFixtures.replicateToAll(cluster, TOPIC, 50);
            int leader = ClusterFixtures.state(cluster, 1, TOPIC, 0).leader();
            PrometheusText leaderMetrics = PrometheusText.scrape(cluster.node(leader).orElseThrow().metrics().registry());
            assertThat(leaderMetrics.sum("surety_authentications_total", "listener", SuretyCluster.INTER_BROKER_LISTENER,
                    "mechanism", "PLAIN", "outcome", "succeeded")).as("the followers logged in to the leader").isGreaterThanOrEqualTo(2);
            assertThat(leaderMetrics.sum("surety_authentications_total", "outcome", "failed")).isZero();
        }
    }
}
