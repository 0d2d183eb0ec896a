package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster;
import io.surety.broker.partition.Partition;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * A cluster that lost its quorum majority: two of three nodes stop without a controlled shutdown,
 * and the survivor leads a partition. It keeps serving what the last committed metadata says:
 * acks=1 is taken and Metadata shows the leader and ISR of that image. What needs a decision waits:
 * the leader proposes to drop the followers that fell behind from the ISR, but the proposal cannot commit, so
 * the ISR it works with stays all three replicas and acks=all times out rather than being
 * acknowledged by a leader that shrank the ISR on its own authority; a new topic is not created. A
 * clean stop of the survivor, whose controlled shutdown nobody can grant, still ends within a
 * bound.
 */
class NoQuorumMajorityIT {

    private static final String TOPIC = "without-majority";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration STOP_BOUND = Duration.ofSeconds(30);

    @Test
    void shouldServeTheLastCommittedImageAndLetDecisionsWaitWhenTheQuorumHasNoMajority() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000, "replica.lag.time.max.ms", "1000")) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "2"));
            try (KafkaProducer<String, String> all = ClusterFixtures.producer(cluster, "all")) {
                all.send(new ProducerRecord<>(TOPIC, "before")).get(30, TimeUnit.SECONDS);
            }
            int leader = ClusterFixtures.state(cluster, 1, TOPIC, 0).leader();
            List<Integer> others = cluster.nodeIds().stream().filter(id -> id != leader).toList();
            others.forEach(cluster::halt);

            try (KafkaProducer<String, String> one = ClusterFixtures.producer(cluster, "1",
                    ProducerConfig.RETRIES_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false")) {
                assertThat(one.send(new ProducerRecord<>(TOPIC, "taken")).get(30, TimeUnit.SECONDS).offset()).isEqualTo(1);
            }
            // As in Kafka, a follower at the leader's log end is in sync however long it is silent: the
            // record above puts the stopped followers behind, and replica.lag.time.max.ms later the leader
            // proposes to drop them.
            Partition survivor = ClusterFixtures.replica(cluster, leader, TP);
            await().atMost(30, TimeUnit.SECONDS).until(() -> survivor.replication().pendingIsrChange().isPresent());
            assertThat(survivor.replication().isr()).as("the ISR the leader works with: the change is only proposed")
                    .hasSize(3);
            try (KafkaProducer<String, String> all = ClusterFixtures.producer(cluster, "all",
                    ProducerConfig.RETRIES_CONFIG, "0", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1500", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "3000",
                    ProducerConfig.LINGER_MS_CONFIG, "0")) {
                assertThatThrownBy(() -> all.send(new ProducerRecord<>(TOPIC, "waits")).get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);
            }

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "127.0.0.1:" + cluster.node(leader).orElseThrow().port(),
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000))) {
                TopicDescription described = admin.describeTopics(Set.of(TOPIC)).allTopicNames().get(30, TimeUnit.SECONDS)
                        .get(TOPIC);
                assertThat(described.partitions().get(0).leader().id()).isEqualTo(leader);
                assertThat(described.partitions().get(0).isr()).as("the last committed ISR").hasSize(3);
                assertThatThrownBy(() -> admin.createTopics(List.of(new NewTopic("undecided", 1, (short) 1)))
                        .all().get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
            }
            assertThat(ClusterFixtures.image(cluster, leader).topic("undecided")).isNull();

            long stopping = System.nanoTime();
            cluster.stop(leader);
            Duration stopped = Duration.ofNanos(System.nanoTime() - stopping);
            System.out.printf("NoQuorumMajorityIT: clean stop without a controller took %d ms%n", stopped.toMillis());
            assertThat(stopped).isLessThan(STOP_BOUND);
        }
    }
}
