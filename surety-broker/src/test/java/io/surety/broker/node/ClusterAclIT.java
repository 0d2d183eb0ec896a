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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * ACLs in a three-node cluster with Kafka's authorizer on every node: an ACL created through one
 * node is committed by the controller and enforced by every node's authorizer (a producer
 * bootstrapped at each node may write), a node restarted afterwards has it from the metadata, and
 * once it is deleted through another node every node refuses the writer again. (The producer is
 * idempotent, so without any WRITE it is refused at InitProducerId, as by Kafka 4.x:
 * ClusterAuthorizationException.)
 */
class ClusterAclIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_admin=\"admin-secret\" user_bob=\"bob-secret\";";
    private static final String TOPIC = "guarded";
    private static final AclBinding BOB_WRITES = new AclBinding(new ResourcePattern(ResourceType.TOPIC, TOPIC,
            PatternType.LITERAL), new AccessControlEntry("User:bob", "*", AclOperation.WRITE, AclPermissionType.ALLOW));

    private static Map<String, Object> client(SuretyBroker node, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }

    private static void bobWrites(SuretyBroker node) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(node, "bob", "bob-secret"),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(TOPIC, "v")).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldEnforceAnAclCommittedThroughOneNodeOnEveryNode() throws Exception {
        SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("listener.security.protocol.map", "PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT,"
                        + SuretyCluster.INTER_BROKER_LISTENER + ":PLAINTEXT")
                .config("sasl.enabled.mechanisms", "PLAIN")
                .config("listener.name.plaintext.plain.sasl.jaas.config", JAAS)
                .config("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // The brokers' own connections (INTERNAL, PLAINTEXT) are User:ANONYMOUS.
                .config("super.users", "User:admin;User:ANONYMOUS")
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .start();
        try (cluster) {
            await().atMost(60, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
            SuretyBroker first = cluster.node(1).orElseThrow();
            try (Admin admin = Admin.create(client(first, "admin", "admin-secret"))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            }
            assertThatThrownBy(() -> bobWrites(first)).as("no ACL yet")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthorizationException.class);

            try (Admin admin = Admin.create(client(first, "admin", "admin-secret"))) {
                admin.createAcls(List.of(BOB_WRITES)).all().get(30, TimeUnit.SECONDS);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> bobWrites(node));
                try (Admin admin = Admin.create(client(node, "admin", "admin-secret"))) {
                    assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                            .as("node %d", id).containsExactly(BOB_WRITES);
                }
            }

            cluster.stop(3);
            SuretyBroker restarted = cluster.restart(3);
            await().atMost(60, TimeUnit.SECONDS).until(restarted::isReady);
            await().atMost(30, TimeUnit.SECONDS).ignoreExceptions().untilAsserted(() -> bobWrites(restarted));

            try (Admin admin = Admin.create(client(cluster.node(2).orElseThrow(), "admin", "admin-secret"))) {
                assertThat(admin.deleteAcls(List.of(new AclBindingFilter(ResourcePatternFilter.ANY,
                        new AccessControlEntryFilter("User:bob", null, AclOperation.ANY, AclPermissionType.ANY))))
                        .all().get(30, TimeUnit.SECONDS)).containsExactly(BOB_WRITES);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThatThrownBy(() -> bobWrites(node))
                        .as("node %d after the deletion", id).isInstanceOf(ExecutionException.class)
                        .hasCauseInstanceOf(AuthorizationException.class));
            }
        }
    }
}
