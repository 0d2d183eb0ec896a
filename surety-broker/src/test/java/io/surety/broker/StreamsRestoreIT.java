package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.processor.StateRestoreListener;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams against the broker: a KTable count in a persistent (RocksDB) store, whose
 * changelog topic Streams creates with {@code cleanup.policy=compact}. The changelog is compacted
 * while the application runs; then the application stops, its local state directory is wiped, and
 * a new instance restores the store from the compacted changelog alone — the counts it serves must
 * be exactly the expected ones, restored from fewer records than were written to the changelog.
 */
class StreamsRestoreIT {

    private static final String APP = "counts-app";
    private static final String INPUT = "words";
    private static final String STORE = "counts";
    private static final String CHANGELOG = APP + "-" + STORE + "-changelog";
    private static final int KEYS = 20;
    private static final int ROUNDS = 25;

    @TempDir
    Path dataDir;

    @TempDir
    Path stateDir;

    @Test
    void shouldRestoreStoreFromCompactedChangelogWhenLocalStateIsWiped() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir)
                .config("log.cleaner.backoff.ms", "50")
                .config("group.initial.rebalance.delay.ms", "0").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(INPUT, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Map<String, Long> expected = new HashMap<>();
            // Input in rounds, each processed before the next: the changelog gets many small batches
            // over many segments, as a long-running application's would.
            try (KafkaStreams first = start(broker, new AtomicLong());
                    KafkaProducer<String, String> producer = producer(broker)) {
                for (int round = 0; round < ROUNDS; round++) {
                    for (int k = 0; k < KEYS; k++) {
                        String key = "word-" + k;
                        producer.send(new ProducerRecord<>(INPUT, key, "seen"));
                        expected.merge(key, 1L, Long::sum);
                    }
                    producer.flush();
                    Map<String, Long> soFar = Map.copyOf(expected);
                    await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(storeContents(first)).isEqualTo(soFar));
                }
            }
            ConfigResource changelog = new ConfigResource(ConfigResource.Type.TOPIC, CHANGELOG);
            Config config = admin.describeConfigs(List.of(changelog)).all().get(30, TimeUnit.SECONDS).get(changelog);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            // Every count update went to the changelog (no cache); compaction leaves about one per key.
            int written = KEYS * ROUNDS;
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(changelogRecords(broker)).isLessThan(written / 3));
            int remaining = changelogRecords(broker);

            deleteRecursively(stateDir);
            AtomicLong restored = new AtomicLong();
            try (KafkaStreams second = start(broker, restored)) {
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(storeContents(second)).isEqualTo(expected));
            }
            System.out.println("StreamsRestoreIT: " + written + " changelog updates, " + remaining
                    + " left after compaction, " + restored.get() + " restored into the wiped store");
            assertThat(restored.get()).isPositive().isLessThan(written / 3);
        }
    }

    private KafkaStreams start(SuretyBroker broker, AtomicLong restored) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()))
                .groupByKey()
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        // Small changelog segments and an eager cleaner, so the changelog is compacted during the test.
        props.put(StreamsConfig.topicPrefix("segment.bytes"), 2048);
        props.put(StreamsConfig.topicPrefix("min.cleanable.dirty.ratio"), "0.01");
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.setGlobalStateRestoreListener(new StateRestoreListener() {
            @Override
            public void onRestoreStart(TopicPartition partition, String store, long start, long end) {
            }

            @Override
            public void onBatchRestored(TopicPartition partition, String store, long batchEnd, long count) {
                restored.addAndGet(count);
            }

            @Override
            public void onRestoreEnd(TopicPartition partition, String store, long total) {
            }
        });
        streams.start();
        return streams;
    }

    /** Everything the store serves through interactive queries (empty until the instance is RUNNING). */
    private static Map<String, Long> storeContents(KafkaStreams streams) {
        Map<String, Long> out = new HashMap<>();
        if (streams.state() != KafkaStreams.State.RUNNING) {
            return out;
        }
        ReadOnlyKeyValueStore<String, Long> store = streams.store(
                StoreQueryParameters.fromNameAndType(STORE, QueryableStoreTypes.keyValueStore()));
        try (KeyValueIterator<String, Long> all = store.all()) {
            while (all.hasNext()) {
                KeyValue<String, Long> entry = all.next();
                out.put(entry.key, entry.value);
            }
        }
        return out;
    }

    /** Records a consumer reading the changelog from the beginning sees. */
    private static int changelogRecords(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        TopicPartition partition = new TopicPartition(CHANGELOG, 0);
        List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long end = consumer.endOffsets(List.of(partition)).get(partition);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (consumer.position(partition) < end && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out.size();
    }

    private static KafkaProducer<String, String> producer(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    private static void deleteRecursively(Path dir) throws java.io.IOException {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!file.equals(dir)) {
                    Files.delete(file);
                }
            }
        }
    }
}
