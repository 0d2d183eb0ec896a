package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.LogCapture;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionMetadataFile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.junit.jupiter.api.Test;

/**
 * A topic deleted cluster-wide leaves no replica behind on any node, and a node that was down while
 * it was deleted moves its old replica aside as a stray (kept, renamed {@code <dir>.<id>-stray})
 * when it comes back; in both cases a new topic of the same name is hosted on every node. Before
 * replicas were removed, the deleted topic's data stayed and every node refused the new topic
 * ("this node holds topic ... with id ...").
 */
class ReplicaRemovalIT {

    private static final String TOPIC = "recycled";
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 20;

    @Test
    void shouldRemoveEveryReplicaOfADeletedTopicAndHostANewTopicOfTheSameName() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            Map<Integer, Path> dataDirs = dataDirs(cluster);
            ClusterFixtures.createTopic(cluster, TOPIC, PARTITIONS, (short) 3, Map.of("file.delete.delay.ms", "100"));
            Uuid oldId = topicId(cluster, Uuid.ZERO_UUID);
            produceEverywhere(cluster, "old-");
            await().atMost(30, TimeUnit.SECONDS).until(() -> replicasHold(cluster, oldId, RECORDS));
            assertThat(PartitionMetadataFile.read(dataDirs.get(1).resolve(TOPIC + "-0"))).contains(oldId);

            deleteTopic(cluster);

            await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> {
                for (Map.Entry<Integer, Path> node : dataDirs.entrySet()) {
                    assertThat(entriesOf(node.getValue(), TOPIC)).as("node %d's directories", node.getKey()).isEmpty();
                    assertThat(entriesOf(node.getValue().resolve("topics"), TOPIC))
                            .as("node %d's definition and deletion record", node.getKey()).isEmpty();
                }
            });

            assertNewTopicServedOnEveryNode(cluster, oldId);
        }
    }

    @Test
    void shouldMoveAsideTheReplicaOfATopicDeletedWhileItsNodeWasDown() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000);
             LogCapture removal = LogCapture.attach(ReplicaRemoval.class.getName(), false)) {
            Map<Integer, Path> dataDirs = dataDirs(cluster);
            ClusterFixtures.createTopic(cluster, TOPIC, PARTITIONS, (short) 3, Map.of("file.delete.delay.ms", "100"));
            Uuid oldId = topicId(cluster, Uuid.ZERO_UUID);
            produceEverywhere(cluster, "old-");
            await().atMost(30, TimeUnit.SECONDS).until(() -> replicasHold(cluster, oldId, RECORDS));

            cluster.stop(3);
            deleteTopic(cluster);
            cluster.restart(3);
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.node(3).map(SuretyBroker::isReady).orElse(false));

            Path node3 = dataDirs.get(3);
            for (int p = 0; p < PARTITIONS; p++) {
                Path stray = node3.resolve(TOPIC + "-" + p + "." + oldId + "-stray");
                assertThat(stray).as("kept, renamed").isDirectory();
                assertThat(PartitionMetadataFile.read(stray)).contains(oldId);
                assertThat(node3.resolve(TOPIC + "-" + p)).doesNotExist();
                assertThat(ClusterFixtures.replica(cluster, 3, new TopicPartition(TOPIC, p))).isNull();
            }
            assertThat(node3.resolve("topics").resolve(TOPIC + ".properties")).doesNotExist();
            assertThat(removal.keptWarnings()).anySatisfy(line -> assertThat(line)
                    .contains("stray replica of topic " + TOPIC + " partition 0", oldId.toString(), " bytes"));

            assertNewTopicServedOnEveryNode(cluster, oldId);
        }
    }

    /** A topic created again under the name: its replicas on every node have its id and every record produced. */
    private static void assertNewTopicServedOnEveryNode(SuretyCluster cluster, Uuid oldId) throws Exception {
        ClusterFixtures.createTopic(cluster, TOPIC, PARTITIONS, (short) 3, Map.of());
        Uuid newId = topicId(cluster, oldId);
        List<String> produced = produceEverywhere(cluster, "new-");
        await().atMost(30, TimeUnit.SECONDS).until(() -> replicasHold(cluster, newId, RECORDS));
        List<String> read = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            read.addAll(ClusterFixtures.readAll(cluster, new TopicPartition(TOPIC, p)));
        }
        assertThat(read).containsExactlyInAnyOrderElementsOf(produced);
    }

    /** {@link #RECORDS} acks=all records to every partition; returns their values. */
    private static List<String> produceEverywhere(SuretyCluster cluster, String prefix) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
            for (int p = 0; p < PARTITIONS; p++) {
                for (int i = 0; i < RECORDS; i++) {
                    String value = prefix + p + "-" + i;
                    producer.send(new ProducerRecord<>(TOPIC, p, null, value)).get(30, TimeUnit.SECONDS);
                    values.add(value);
                }
            }
        }
        return values;
    }

    /** Whether every node hosts every partition of the topic as {@code topicId}, with {@code records} committed. */
    private static boolean replicasHold(SuretyCluster cluster, Uuid topicId, int records) {
        for (int id : cluster.nodeIds()) {
            for (int p = 0; p < PARTITIONS; p++) {
                Partition replica = ClusterFixtures.replica(cluster, id, new TopicPartition(TOPIC, p));
                if (replica == null || !replica.topicId().equals(topicId) || replica.logEndOffset() != records
                        || replica.highWatermark() != records) {
                    return false;
                }
            }
        }
        return true;
    }

    /** The id of the topic once every running node's metadata has it, and it is not {@code notThis}. */
    private static Uuid topicId(SuretyCluster cluster, Uuid notThis) {
        return await().atMost(30, TimeUnit.SECONDS).until(() -> {
            Uuid seen = null;
            for (int id : cluster.nodeIds()) {
                TopicImage topic = ClusterFixtures.image(cluster, id).topic(TOPIC);
                if (topic == null || topic.id().equals(notThis) || seen != null && !seen.equals(topic.id())) {
                    return null;
                }
                seen = topic.id();
            }
            return seen;
        }, Objects::nonNull);
    }

    private static void deleteTopic(SuretyCluster cluster) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.deleteTopics(List.of(TOPIC)).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static Map<Integer, Path> dataDirs(SuretyCluster cluster) {
        Map<Integer, Path> dirs = new HashMap<>();
        for (int id : cluster.nodeIds()) {
            dirs.put(id, cluster.node(id).orElseThrow().dataDir());
        }
        return dirs;
    }

    /** The entries of {@code dir} that belong to {@code topic}: its partition directories, renamed or not, and records. */
    private static List<String> entriesOf(Path dir, String topic) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.map(p -> p.getFileName().toString())
                    .filter(name -> name.startsWith(topic + "-") || name.startsWith(topic + ".")).toList();
        }
    }
}
