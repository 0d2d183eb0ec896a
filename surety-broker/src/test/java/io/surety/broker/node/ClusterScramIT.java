package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialDeletion;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;

/**
 * SCRAM users in a three-node cluster whose client listener is SASL_PLAINTEXT: a user added through
 * one node is committed by the controller to the replicated metadata and logs in at every node; a
 * node restarted afterwards has it from the metadata it replays; every node describes it; and once
 * deleted, a new connection as that user is refused at every node.
 */
class ClusterScramIT {

    private static final String ADMIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\";";

    private static SuretyCluster start() throws Exception {
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,"
                        + SuretyCluster.INTER_BROKER_LISTENER + ":PLAINTEXT")
                .config("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256")
                .config("listener.name.plaintext.plain.sasl.jaas.config", ADMIN_JAAS)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .start();
        await().atMost(60, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
        return cluster;
    }

    private static Map<String, Object> client(SuretyBroker node, String mechanism, String jaas) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, jaas);
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    private static Map<String, Object> admin(SuretyBroker node) {
        return client(node, "PLAIN", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"alice\" password=\"alice-secret\";");
    }

    private static Map<String, Object> scram(SuretyBroker node, String user, String password) {
        return client(node, "SCRAM-SHA-256", "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
    }

    /** Logs in at {@code node} (the admin client's first connection is to its bootstrap node) and describes the cluster. */
    private static void logIn(SuretyBroker node, String user, String password) throws Exception {
        try (Admin admin = Admin.create(scram(node, user, password))) {
            admin.describeCluster().clusterId().get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldReplicateAScramUserToEveryNodeAndItsDeletionToo() throws Exception {
        try (SuretyCluster cluster = start()) {
            SuretyBroker first = cluster.node(1).orElseThrow();
            try (Admin admin = Admin.create(admin(first))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("erin",
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192), "erin-secret")))
                        .all().get(30, TimeUnit.SECONDS);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> logIn(node, "erin", "erin-secret"));
                try (Admin admin = Admin.create(admin(node))) {
                    assertThat(admin.describeUserScramCredentials(List.of("erin")).description("erin")
                            .get(20, TimeUnit.SECONDS).credentialInfos())
                            .extracting(ScramCredentialInfo::iterations).as("node %d", id).containsExactly(8192);
                }
            }

            cluster.stop(2);
            SuretyBroker restarted = cluster.restart(2);
            await().atMost(60, TimeUnit.SECONDS).until(restarted::isReady);
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions()
                    .untilAsserted(() -> logIn(restarted, "erin", "erin-secret"));
            assertThatThrownBy(() -> logIn(restarted, "erin", "wrong")).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(SaslAuthenticationException.class);

            try (Admin admin = Admin.create(admin(cluster.node(3).orElseThrow()))) {
                admin.alterUserScramCredentials(List.of(new UserScramCredentialDeletion("erin", ScramMechanism.SCRAM_SHA_256)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() -> logIn(node, "erin",
                        "erin-secret")).as("node %d after the deletion", id).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(SaslAuthenticationException.class));
            }
        }
    }
}
