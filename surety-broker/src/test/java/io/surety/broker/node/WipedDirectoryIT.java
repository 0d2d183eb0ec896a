package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.metadata.DataDirectory;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
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
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000)) {
            ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of());
            try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
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

    private static PartitionState state(SuretyCluster cluster, int node) {
        return ClusterFixtures.state(cluster, node, TOPIC, 0);
    }

    private static Partition replica(SuretyCluster cluster, int node) {
        return ClusterFixtures.replica(cluster, node, TP);
    }
}
