package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * min.insync.replicas on a three-node cluster, with Kafka's producer: a follower that stops is
 * dropped from the ISR after replica.lag.time.max.ms; then acks=all is refused with
 * NOT_ENOUGH_REPLICAS while acks=1 is still taken; the follower comes back, catches up, rejoins the
 * ISR, and acks=all is taken again.
 */
class MinInsyncReplicasIT {

    private static final String TOPIC = "guarded";

    @Test
    void shouldRefuseAcksAllButTakeAcksOneWhileTheIsrIsBelowTheMinimum() throws Exception {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "3000")
                .config("replica.lag.time.max.ms", "1500")
                .start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3)
                        .configs(Map.of("min.insync.replicas", "3")))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> all = producer(cluster, "all");
                 KafkaProducer<String, String> one = producer(cluster, "1")) {
                assertThat(all.send(new ProducerRecord<>(TOPIC, "before")).get(30, TimeUnit.SECONDS).offset()).isZero();

                int leader = image(cluster).topic(TOPIC).partition(0).leader();
                int follower = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
                cluster.halt(follower);
                await().atMost(30, TimeUnit.SECONDS).until(() -> image(cluster, leader).topic(TOPIC).partition(0).isr().size() == 2);

                assertThatThrownBy(() -> all.send(new ProducerRecord<>(TOPIC, "refused")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(NotEnoughReplicasException.class);
                assertThat(one.send(new ProducerRecord<>(TOPIC, "taken")).get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);

                cluster.restart(follower);
                // The leader's own view: the restarted node's image replays history and shows the old ISR for a while.
                await().atMost(30, TimeUnit.SECONDS).until(() -> image(cluster, leader).topic(TOPIC).partition(0).isr().size() == 3
                        && cluster.node(leader).orElseThrow().clusterNode().orElseThrow()
                                .localReplica(new org.apache.kafka.common.TopicPartition(TOPIC, 0)).replication().isr().size() == 3);
                assertThat(all.send(new ProducerRecord<>(TOPIC, "after")).get(30, TimeUnit.SECONDS).offset()).isEqualTo(2);
                assertThat(image(cluster, leader).topic(TOPIC).partition(0).partitionEpoch())
                        .as("two ISR changes: the stopped follower out, then back; the healthy one never left")
                        .isEqualTo(2);
            }
        }
    }

    private static KafkaProducer<String, String> producer(SuretyCluster cluster, String acks) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        // No retries, so the broker's answer reaches the test as it is (not as a delivery timeout).
        props.put(ProducerConfig.RETRIES_CONFIG, "0");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static io.surety.broker.cluster.ClusterImage image(SuretyCluster cluster) {
        return cluster.nodeIds().stream().map(cluster::node).flatMap(java.util.Optional::stream)
                .map(b -> b.clusterNode().orElseThrow().image()).findFirst().orElseThrow();
    }

    private static io.surety.broker.cluster.ClusterImage image(SuretyCluster cluster, int node) {
        return cluster.node(node).orElseThrow().clusterNode().orElseThrow().image();
    }
}
