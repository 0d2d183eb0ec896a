package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
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
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000, "replica.lag.time.max.ms", "1500")) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "3"));
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
                        && ClusterFixtures.replica(cluster, leader, new org.apache.kafka.common.TopicPartition(TOPIC, 0))
                                .replication().isr().size() == 3);
                assertThat(all.send(new ProducerRecord<>(TOPIC, "after")).get(30, TimeUnit.SECONDS).offset()).isEqualTo(2);
                assertThat(image(cluster, leader).topic(TOPIC).partition(0).partitionEpoch())
                        .as("two ISR changes: the stopped follower out, then back; the healthy one never left")
                        .isEqualTo(2);
            }
        }
    }

    private static KafkaProducer<String, String> producer(SuretyCluster cluster, String acks) {
        // No retries, so the broker's answer reaches the test as it is (not as a delivery timeout).
        return ClusterFixtures.producer(cluster, acks, ProducerConfig.RETRIES_CONFIG, "0",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
    }

    private static io.surety.broker.cluster.ClusterImage image(SuretyCluster cluster) {
        return ClusterFixtures.image(cluster, cluster.nodeIds().stream().filter(id -> cluster.node(id).isPresent())
                .findFirst().orElseThrow());
    }

    private static io.surety.broker.cluster.ClusterImage image(SuretyCluster cluster, int node) {
        return ClusterFixtures.image(cluster, node);
    }
}
