package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.surety.broker.metrics.PrometheusText;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compacted topic with the real Java clients: keyless records are refused as Kafka refuses
 * them, the cleaner runs in the background while producers write, and a consumer reading from the
 * beginning sees each key's latest value at the offset it was written at, deleted keys gone once
 * their tombstones' delete horizon has passed — also after a restart on the cleaned files.
 */
class CompactedTopicIT {

    private static final String TOPIC = "compacted";
    private static final int KEYS = 40;
    private static final int ROUNDS = 30;
    private static final int DELETED_KEYS = 10;
    private static final int DELETE_ROUND = 20;

    @TempDir
    Path dataDir;

    @Test
    void shouldServeLatestValuePerKeyFromBeginningWhenCleanerCompactsTopic() throws Exception {
        Map<String, String> brokerConfig = Map.of("log.cleaner.backoff.ms", "50");
        Map<String, RecordMetadata> latest = new HashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        int produced = 0;
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).configs(brokerConfig).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "segment.bytes", "4096",
                    "min.cleanable.dirty.ratio", "0.01",
                    "delete.retention.ms", "1000")))).all().get(30, TimeUnit.SECONDS);
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, TOPIC);
            Config described = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(described.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(described.get("delete.retention.ms").source()).isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(described.get("min.compaction.lag.ms").value()).isEqualTo("0");
            assertThat(described.get("max.compaction.lag.ms").value()).isEqualTo(Long.toString(Long.MAX_VALUE));

            try (KafkaProducer<String, String> producer = producer(broker)) {
                Throwable keyless = catchThrowable(() -> producer.send(new ProducerRecord<>(TOPIC, null, "no key")).get());
                assertThat(keyless).isInstanceOf(ExecutionException.class).cause().isInstanceOf(InvalidRecordException.class)
                        .hasMessageContaining("Compacted topic cannot accept message without key");

                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "key-" + k;
                        if (round > DELETE_ROUND && k < DELETED_KEYS) {
                            continue;
                        }
                        String value = round == DELETE_ROUND && k < DELETED_KEYS ? null
                                : key + "@" + round + "-" + "x".repeat(60);
                        latest.put(key, producer.send(new ProducerRecord<>(TOPIC, key, value)).get());
                        produced++;
                        if (value == null) {
                            expected.remove(key);
                        } else {
                            expected.put(key, value);
                        }
                    }
                }
            }
            assertThat(broker.dataDir().resolve(TOPIC + "-0")).isDirectory();

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                List<ConsumerRecord<String, String>> read = readFromBeginning(broker);
                assertThat(lastValues(read)).isEqualTo(expected);
                assertThat(read).noneMatch(r -> r.value() == null);
            });
            List<ConsumerRecord<String, String>> read = readFromBeginning(broker);
            for (ConsumerRecord<String, String> record : read) {
                if (record.value().equals(expected.get(record.key()))) {
                    assertThat(record.offset()).as(record.key()).isEqualTo(latest.get(record.key()).offset());
                }
            }
            assertThat(read.size()).isLessThan(produced / 5);
            Map<String, Long> stats = broker.cleanerStats();
            System.out.println("CompactedTopicIT: produced " + produced + " records, a consumer from the beginning reads "
                    + read.size() + "; cleaner " + stats);
            assertThat(stats.get("passes")).isPositive();
            assertThat(stats.get("bytesRemoved")).isPositive();
            PrometheusText scrape = PrometheusText.scrape(broker.metrics().registry());
            assertThat(scrape.value("surety_log_cleaner_passes_total").orElseThrow())
                    .isGreaterThanOrEqualTo(stats.get("passes"));
            assertThat(scrape.value("surety_log_cleaner_bytes_removed_total").orElseThrow())
                    .isGreaterThanOrEqualTo(stats.get("bytesRemoved"));
            assertThat(scrape.value("surety_log_cleaner_uncleanable_partitions")).hasValue(0);

            admin.incrementalAlterConfigs(Map.of(resource, List.of(new AlterConfigOp(
                    new ConfigEntry("cleanup.policy", "compact,delete"), AlterConfigOp.OpType.SET)))).all().get(30, TimeUnit.SECONDS);
            Config altered = admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource);
            assertThat(altered.get("cleanup.policy").value()).isEqualTo("compact,delete");
        }

        try (SuretyBroker restarted = SuretyBroker.builder().dataDir(dataDir).configs(brokerConfig).start()) {
            assertThat(lastValues(readFromBeginning(restarted))).isEqualTo(expected);
        }
    }

    @Test
    void shouldServeCommittedValuesToReadCommittedConsumerAfterCleanerRemovesAbortMarker() throws Exception {
        String topic = "compacted-txn";
        TopicPartition partition = new TopicPartition(topic, 0);
        Map<String, String> expected = new LinkedHashMap<>();
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).configs(Map.of("log.cleaner.backoff.ms", "50"))
                .start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(Map.of(
                    "cleanup.policy", "compact",
                    "segment.bytes", "1024",
                    "min.cleanable.dirty.ratio", "0.01",
                    "delete.retention.ms", "500")))).all().get(30, TimeUnit.SECONDS);
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "compacted-txn-producer");
            try (KafkaProducer<String, String> transactional = new KafkaProducer<>(props, new StringSerializer(),
                    new StringSerializer())) {
                transactional.initTransactions();
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(topic, "a", "aborted-a"));
                transactional.send(new ProducerRecord<>(topic, "c", "aborted-c"));
                transactional.flush();
                transactional.abortTransaction();
                transactional.beginTransaction();
                transactional.send(new ProducerRecord<>(topic, "a", "committed-a"));
                transactional.send(new ProducerRecord<>(topic, "b", "committed-b"));
                transactional.commitTransaction();
            }
            expected.put("a", "committed-a");
            expected.put("b", "committed-b");
            try (KafkaProducer<String, String> producer = producer(broker)) {
                for (int i = 0; i < 60; i++) {
                    String key = "filler-" + (i % 5);
                    String value = key + "@" + i + "-" + "x".repeat(60);
                    producer.send(new ProducerRecord<>(topic, key, value)).get();
                    expected.put(key, value);
                }
            }
            Path partitionDir = broker.dataDir().resolve(topic + "-0");
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(abortMarkers(partitionDir)).as("the cleaner removed the ABORT marker")
                            .isZero());
            assertThat(broker.cleanerStats().get("passes")).as("one pass drops the data, a later one the marker")
                    .isGreaterThanOrEqualTo(2);

            Properties consumerProps = new Properties();
            consumerProps.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            consumerProps.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            List<ConsumerRecord<String, String>> read = new java.util.ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerProps, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                long end = consumer.endOffsets(List.of(partition)).get(partition);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                    consumer.poll(Duration.ofMillis(200)).forEach(read::add);
                }
            }
            System.out.println("CompactedTopicIT: a read_committed consumer from the beginning read " + read.size()
                    + " records after the ABORT marker was cleaned");
            assertThat(lastValues(read)).as("read_committed from the beginning").isEqualTo(expected);
            assertThat(read).noneMatch(r -> r.value().startsWith("aborted"));
        }
    }

    /** ABORT markers in the segment files of a partition directory. */
    private static int abortMarkers(Path partitionDir) throws java.io.IOException {
        int markers = 0;
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.list(partitionDir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(".log")).toList()) {
                java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(java.nio.file.Files.readAllBytes(file));
                for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                    if (batch.isControlBatch() && ControlRecordType.parse(batch.iterator().next().key())
                            == ControlRecordType.ABORT) {
                        markers++;
                    }
                }
            }
        }
        return markers;
    }

    private static KafkaProducer<String, String> producer(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.RETRIES_CONFIG, 0);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Every record of the topic from offset 0 up to its end, read with a real consumer. */
    private static List<ConsumerRecord<String, String>> readFromBeginning(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 1024);
        TopicPartition partition = new TopicPartition(TOPIC, 0);
        List<ConsumerRecord<String, String>> out = new java.util.ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
            assertThat(consumer.position(partition)).as("read to the end").isEqualTo(end);
        }
        return out;
    }

    /** What a consumer rebuilding state from the topic ends with: the last value per key, tombstones deleting. */
    private static Map<String, String> lastValues(List<ConsumerRecord<String, String>> records) {
        Map<String, String> state = new LinkedHashMap<>();
        for (ConsumerRecord<String, String> record : records) {
            if (record.value() == null) {
                state.remove(record.key());
            } else {
                state.put(record.key(), record.value());
            }
        }
        return state;
    }
}
