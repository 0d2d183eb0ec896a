package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** What the in-process cluster tests share: a ready cluster, topics, producers and each node's view. */
final class ClusterFixtures {

    private ClusterFixtures() {
    }

    /**
     * A cluster of {@code nodes} with fast heartbeats and the given broker session, every node
     * registered and unfenced; {@code settings} are more key/value pairs for every node.
     */
    static SuretyCluster startReady(int nodes, int sessionTimeoutMs, String... settings) throws IOException {
        SuretyCluster.Builder builder = SuretyCluster.builder().nodes(nodes)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", Integer.toString(sessionTimeoutMs));
        for (int i = 0; i + 1 < settings.length; i += 2) {
            builder.config(settings[i], settings[i + 1]);
        }
        SuretyCluster cluster = builder.start();
        await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
        return cluster;
    }

    /**
     * Waits for every node of {@code cluster} to serve, creates {@code topic} with one partition on
     * all three nodes and {@code min.insync.replicas=3}, writes {@code count} records with acks=all
     * (each answered only once both followers fetched it) and waits until every replica holds them.
     */
    static TopicPartition replicateToAll(SuretyCluster cluster, String topic, int count) throws Exception {
        await().atMost(60, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
        createTopic(cluster, topic, 1, (short) 3, Map.of("min.insync.replicas", "3"));
        try (KafkaProducer<String, String> producer = producer(cluster, "all")) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, "r-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        TopicPartition tp = new TopicPartition(topic, 0);
        await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                .allMatch(id -> replica(cluster, id, tp) != null && replica(cluster, id, tp).logEndOffset() == count));
        return tp;
    }

    /** Creates a topic through Kafka's Admin client and waits for the controller's answer. */
    static void createTopic(SuretyCluster cluster, String name, int partitions, short replicationFactor,
                            Map<String, String> configs) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(name, partitions, replicationFactor).configs(configs)))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    /** A string producer to the whole cluster; {@code settings} are more producer key/value pairs. */
    static KafkaProducer<String, String> producer(SuretyCluster cluster, String acks, String... settings) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, acks);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        for (int i = 0; i + 1 < settings.length; i += 2) {
            props.put(settings[i], settings[i + 1]);
        }
        return new KafkaProducer<>(props);
    }

    /** The cluster side of running node {@code id}. */
    static ClusterNode node(SuretyCluster cluster, int id) {
        return cluster.node(id).flatMap(SuretyBroker::clusterNode).orElseThrow();
    }

    /** Node {@code id}'s committed metadata (a restarted node's shows history until it catches up). */
    static ClusterImage image(SuretyCluster cluster, int id) {
        return node(cluster, id).image();
    }

    /** Partition {@code partition} of {@code topic} as node {@code id} sees it. */
    static PartitionState state(SuretyCluster cluster, int id, String topic, int partition) {
        return image(cluster, id).topic(topic).partition(partition);
    }

    /** Node {@code id}'s replica of {@code tp}; null when the node is stopped or hosts none. */
    static Partition replica(SuretyCluster cluster, int id, TopicPartition tp) {
        return cluster.node(id).flatMap(SuretyBroker::clusterNode).map(n -> n.localReplica(tp)).orElse(null);
    }

    /** Every value of {@code tp} up to its high watermark, read through the cluster's client listeners within a minute. */
    static List<String> readAll(SuretyCluster cluster, TopicPartition tp) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp), Duration.ofSeconds(30)).get(tp);
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (consumer.position(tp) < end) {
                assertThat(System.nanoTime()).as("read up to %d within a minute", end).isLessThan(deadlineNs);
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
