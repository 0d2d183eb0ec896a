package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.metadata.DataDirectory;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * A node whose data directory is wiped and formatted again comes back with a new directory id. The
 * controller keeps it out of every ISR and leadership, even once its replica has copied everything,
 * until the operator's replace step ({@code format --replace}); then it rejoins the ISR with every
 * acknowledged record.
 */
class WipedDirectoryIT {

    private static final String TOPIC = "kept";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    @Test
    void shouldKeepANodeWithAWipedDirectoryOutOfTheIsrUntilTheReplaceStep() throws Exception {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "2000")
                .start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> cluster.node(id).map(SuretyBroker::isReady).orElse(false)));
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 3))).all().get(30, TimeUnit.SECONDS);
            }
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                for (int i = 0; i < 1000; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, "r" + i));
                }
                producer.flush();
            }
            int leader = state(cluster, 1).leader();
            int wiped = cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();

            wipeAndFormat(cluster, wiped, false);
            cluster.restart(wiped);
            await().atMost(30, TimeUnit.SECONDS).until(() -> replica(cluster, wiped) != null
                    && replica(cluster, wiped).logEndOffset() == replica(cluster, leader).logEndOffset());
            assertThat(state(cluster, leader).isr()).as("caught up, but its directory is not trusted").doesNotContain(wiped);
            assertThat(cluster.node(leader).orElseThrow().clusterNode().orElseThrow().image().broker(wiped)
                    .directoryPendingReplace()).isTrue();

            wipeAndFormat(cluster, wiped, true);
            cluster.restart(wiped);
            await().atMost(30, TimeUnit.SECONDS).until(() -> state(cluster, leader).isr().contains(wiped));
            await().atMost(30, TimeUnit.SECONDS).until(() -> replica(cluster, wiped) != null
                    && replica(cluster, wiped).logEndOffset() == 1000);
        }
    }

    private static void wipeAndFormat(SuretyCluster cluster, int id, boolean replacement) throws IOException {
        Path dir = cluster.node(id).orElseThrow().dataDir();
        cluster.halt(id);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path path : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
        DataDirectory.format(dir, cluster.clusterId(), id, replacement, false);
    }

    private static KafkaProducer<String, String> producer(SuretyCluster cluster) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(props);
    }

    private static PartitionState state(SuretyCluster cluster, int node) {
        return cluster.node(node).orElseThrow().clusterNode().orElseThrow().image().topic(TOPIC).partition(0);
    }

    private static Partition replica(SuretyCluster cluster, int node) {
        return cluster.node(node).flatMap(SuretyBroker::clusterNode).map(n -> n.localReplica(TP)).orElse(null);
    }
}
