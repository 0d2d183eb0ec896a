package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose nodes each serve two broker listeners, {@code PLAINTEXT} for clients and
 * {@code INTERNAL} for replication ({@code inter.broker.listener.name=INTERNAL}), each on its own
 * port: both are bound and registered, a client of either is given that listener's addresses, and
 * followers replicate over the inter-broker one.
 */
class InterBrokerListenerIT {

    private static final String TOPIC = "two-listeners";

    @Test
    void shouldGiveAClientOfEachListenerThatListenersAddressesWhenANodeServesTwo() throws Exception {
        try (SuretyCluster cluster = start()) {
            SuretyBroker node1 = cluster.node(1).orElseThrow();
            assertThat(node1.port(SuretyCluster.INTER_BROKER_LISTENER)).isNotEqualTo(node1.port());

            Map<Integer, Integer> clientPorts = ports(cluster, "PLAINTEXT");
            Map<Integer, Integer> internalPorts = ports(cluster, SuretyCluster.INTER_BROKER_LISTENER);
            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                assertThat(describedPorts(node1.bootstrapServers())).isEqualTo(clientPorts);
                assertThat(describedPorts(node1.bootstrapServers(SuretyCluster.INTER_BROKER_LISTENER)))
                        .isEqualTo(internalPorts);
            });
        }
    }

    @Test
    void shouldReplicateOverTheInterBrokerListenerWhenItHasItsOwnPort() throws Exception {
        try (SuretyCluster cluster = start()) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "3"));
            TopicPartition tp = new TopicPartition(TOPIC, 0);
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
                for (int i = 0; i < 50; i++) {
                    // acks=all with min.insync.replicas=3 answers only once both followers fetched it.
                    producer.send(new ProducerRecord<>(TOPIC, "r-" + i)).get(30, TimeUnit.SECONDS);
                }
            }
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> ClusterFixtures.replica(cluster, id, tp) != null
                            && ClusterFixtures.replica(cluster, id, tp).logEndOffset() == 50));
            int leader = ClusterFixtures.state(cluster, 1, TOPIC, 0).leader();
            assertThat(ClusterFixtures.image(cluster, 1).broker(leader).endpoints())
                    .extracting(e -> e.name() + ":" + e.port())
                    .containsExactlyInAnyOrder("PLAINTEXT:" + cluster.node(leader).orElseThrow().port(),
                            SuretyCluster.INTER_BROKER_LISTENER + ":"
                                    + cluster.node(leader).orElseThrow().port(SuretyCluster.INTER_BROKER_LISTENER));
        }
    }

    private static SuretyCluster start() throws java.io.IOException {
        SuretyCluster.Builder builder = SuretyCluster.builder().nodes(3)
                .interBrokerListener((nodeId, boundPort) -> "127.0.0.1:" + boundPort)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000");
        SuretyCluster cluster = builder.start();
        await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
        return cluster;
    }

    private static Map<Integer, Integer> ports(SuretyCluster cluster, String listener) {
        return cluster.nodeIds().stream().collect(Collectors.toMap(id -> id,
                id -> cluster.node(id).orElseThrow().port(listener)));
    }

    /** Node id to port of every broker DescribeCluster gives a client bootstrapped at {@code bootstrap}. */
    private static Map<Integer, Integer> describedPorts(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            Collection<Node> nodes = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS);
            assertThat(nodes).extracting(Node::host).containsOnly("127.0.0.1");
            return nodes.stream().collect(Collectors.toMap(Node::id, Node::port));
        }
    }
}
