package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A cluster whose coordinator quorum loses its majority: the two nodes that do not coordinate
 * stop without a controlled shutdown. The coordinator cannot commit a round without a majority, so
 * an offset commit and a transactional producer's start wait and fail within the client's bounds
 * rather than being acknowledged on the survivor's word; what was acknowledged before stays. Once
 * one node is back, both succeed without any client being restarted.
 */
class CoordinatorQuorumLossIT {

    private static final String TOPIC = "quorum-loss";
    private static final String GROUP = "quorum-loss-group";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void shouldLetCommitsAndTransactionsWaitWithoutAMajorityAndKeepWhatWasAcknowledged() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000);
             Admin admin = Admin.create(Map.of("bootstrap.servers", cluster.bootstrapServers()));
             KafkaConsumer<String, String> consumer = consumer(cluster)) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of());
            consumer.assign(List.of(TP));
            consumer.commitSync(Map.of(TP, new OffsetAndMetadata(5)), Duration.ofSeconds(30));
            int coordinator = admin.describeConsumerGroups(List.of(GROUP)).all().get(30, TimeUnit.SECONDS)
                    .get(GROUP).coordinator().id();
            List<Integer> others = cluster.nodeIds().stream().filter(id -> id != coordinator).toList();
            others.forEach(cluster::halt);

            assertThatThrownBy(() -> consumer.commitSync(Map.of(TP, new OffsetAndMetadata(10)), Duration.ofSeconds(5)))
                    .as("a commit the coordinator cannot make durable on a majority").isInstanceOf(KafkaException.class);
            try (KafkaProducer<String, String> transactional = transactionalProducer(cluster)) {
                assertThatThrownBy(transactional::initTransactions).as("a transactional producer's start")
                        .isInstanceOf(KafkaException.class);
            }

            cluster.restart(others.get(0));
            await("the offset acknowledged before, or the one refused meanwhile").atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions().untilAsserted(() ->
                            assertThat(consumer.committed(Set.of(TP), Duration.ofSeconds(5)).get(TP).offset()).isIn(5L, 10L));
            await("a commit succeeds once the quorum has a majority").atMost(60, TimeUnit.SECONDS)
                    .pollInterval(Duration.ofMillis(500)).ignoreExceptions()
                    .untilAsserted(() -> consumer.commitSync(Map.of(TP, new OffsetAndMetadata(12)), Duration.ofSeconds(5)));
            assertThat(consumer.committed(Set.of(TP), Duration.ofSeconds(30)).get(TP).offset()).isEqualTo(12);
            try (KafkaProducer<String, String> transactional = transactionalProducer(cluster)) {
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(TOPIC, "after")).get();
                transactional.commitTransaction();
            }
        }
    }

    private static KafkaConsumer<String, String> consumer(SuretyCluster cluster) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, GROUP);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(props);
    }

    private static KafkaProducer<String, String> transactionalProducer(SuretyCluster cluster) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "quorum-loss-tx");
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "5000");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }
}
