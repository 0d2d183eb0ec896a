package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.LogCapture;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Records produced with acks=all and idempotence to a three-node cluster (replication factor 3,
 * min.insync.replicas 2) with the official clients, 100,000 of them in the first case: every acknowledged record is read back in order, and the three
 * replicas of each partition hold byte-identical logs (the same batches at the same offsets, with
 * the same leader epochs and CRCs).
 */
class ReplicationIT {

    private static final String TOPIC = "replicated";
    private static final int PARTITIONS = 2;
    /** The count for byte-identical replicas. */
    private static final int IDENTICAL_RECORDS = 100_000;
    private static final int RECORDS = 20_000;
    private static final Pattern LEADING = Pattern.compile("Leading " + TOPIC + "-0 in epoch (\\d+)");

    @Test
    void shouldReplicateAcknowledgedRecordsToEveryReplicaByteForByte() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            ClusterFixtures.createTopic(cluster, TOPIC, PARTITIONS, (short) 3, Map.of("min.insync.replicas", "2"));

            List<Future<RecordMetadata>> acks = new ArrayList<>();
            try (KafkaProducer<String, String> producer = producer(cluster)) {
                for (int i = 0; i < IDENTICAL_RECORDS; i++) {
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i)));
                }
                producer.flush();
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get().offset()).isNotNegative();
            }

            assertThat(readAll(cluster, IDENTICAL_RECORDS)).hasSize(IDENTICAL_RECORDS);

            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                await().atMost(30, TimeUnit.SECONDS).until(() -> logEnds(cluster, tp).stream().distinct().count() == 1);
                byte[] first = logBytes(cluster, 1, tp);
                assertThat(first.length).isPositive();
                for (int id = 2; id <= 3; id++) {
                    assertThat(logBytes(cluster, id, tp)).as("replica on node %d of %s", id, tp).isEqualTo(first);
                }
            }
        }
    }

    @Test
    void shouldLoseAndDuplicateNothingAcknowledgedWhenTheLeaderFailsUnderAcksAll() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 2000)) {
            ClusterFixtures.createTopic(cluster, TOPIC, PARTITIONS, (short) 3, Map.of("min.insync.replicas", "2"));
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            int epochBeforeRestart = -1;
            int haltedNode = -1;
            int linesBeforeRestart = 0;
            try (LogCapture roles = LogCapture.attach("io.surety.broker.partition.Replication", false);
                 KafkaProducer<String, String> producer = producer(cluster)) {
                for (int i = 0; i < RECORDS; i++) {
                    if (i == RECORDS / 3) {
                        producer.flush();
                        int leader = anyNode(cluster).image().topic(TOPIC).partition(0).leader();
                        cluster.halt(leader);
                    }
                    if (i == 2 * RECORDS / 3) {
                        producer.flush();
                        for (int id : cluster.nodeIds()) {
                            if (cluster.node(id).isEmpty()) {
                                epochBeforeRestart = anyNode(cluster).image().topic(TOPIC).partition(0).leaderEpoch();
                                haltedNode = id;
                                linesBeforeRestart = roles.keptOthers().size();
                                cluster.restart(id);
                            }
                        }
                    }
                    acks.add(producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k" + i, "v" + i)));
                }
                producer.flush();
                // The restarted node replays the metadata log: it must never act on a past image and lead
                // partition 0 in an epoch that is over.
                String publisher = "[surety-metadata-publisher-" + haltedNode + "]";
                List<String> lines = roles.keptOthers();
                for (String line : lines.subList(linesBeforeRestart, lines.size())) {
                    Matcher leading = LEADING.matcher(line);
                    if (line.contains(publisher) && leading.find()) {
                        assertThat(Integer.parseInt(leading.group(1))).as(line).isGreaterThanOrEqualTo(epochBeforeRestart);
                    }
                }
            }
            for (Future<RecordMetadata> ack : acks) {
                assertThat(ack.get().offset()).isNotNegative();
            }
            // Every acknowledged record exactly once, in order (readAll checks the order).
            assertThat(readAll(cluster, RECORDS)).hasSize(RECORDS).doesNotHaveDuplicates();
        }
    }

    private static ClusterNode anyNode(SuretyCluster cluster) {
        return ClusterFixtures.node(cluster, cluster.nodeIds().stream().filter(id -> cluster.node(id).isPresent())
                .findFirst().orElseThrow());
    }

    private static KafkaProducer<String, String> producer(SuretyCluster cluster) {
        return ClusterFixtures.producer(cluster, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "5");
    }

    private static List<String> readAll(SuretyCluster cluster, int expected) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props)) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (int p = 0; p < PARTITIONS; p++) {
                partitions.add(new TopicPartition(TOPIC, p));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int[] next = new int[PARTITIONS];
            while (values.size() < expected && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    int i = Integer.parseInt(record.value().substring(1));
                    assertThat(i % PARTITIONS).isEqualTo(record.partition());
                    assertThat(i).as("order within the partition").isEqualTo(next[record.partition()] * PARTITIONS
                            + record.partition());
                    next[record.partition()]++;
                    values.add(record.value());
                }
            }
        }
        return values;
    }

    private static List<Long> logEnds(SuretyCluster cluster, TopicPartition tp) {
        List<Long> ends = new ArrayList<>();
        for (int id : cluster.nodeIds()) {
            ends.add(cluster.node(id).flatMap(SuretyBroker::clusterNode).map(n -> n.localReplica(tp).logEndOffset())
                    .orElse(-1L));
        }
        return ends;
    }

    /** The concatenated segment files of node {@code id}'s replica. */
    private static byte[] logBytes(SuretyCluster cluster, int id, TopicPartition tp) throws IOException {
        Path dir = cluster.node(id).orElseThrow().dataDir().resolve(tp.topic() + "-" + tp.partition());
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path segment : files.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                all.write(Files.readAllBytes(segment));
            }
        }
        return all.toByteArray();
    }
}
