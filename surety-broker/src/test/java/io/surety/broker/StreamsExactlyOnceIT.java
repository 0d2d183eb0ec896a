package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka Streams with {@code processing.guarantee=exactly_once_v2} against the broker: every input
 * record is copied to one output topic and counted per key into another, while a second instance
 * joins and the first one leaves (tasks, their transactions and their state move between
 * instances). A read_committed reader of the outputs must see every input record copied exactly
 * once and the final count of every key equal to the number of its records.
 */
class StreamsExactlyOnceIT {

    private static final String APP = "eos-app";
    private static final String INPUT = "eos-input";
    private static final String COPIES = "eos-copies";
    private static final String COUNTS = "eos-counts";
    private static final int PARTITIONS = 3;
    private static final int KEYS = 30;
    private static final int RECORDS = 3000;

    @TempDir
    Path dataDir;

    @TempDir
    Path stateA;

    @TempDir
    Path stateB;

    @Test
    void shouldCopyAndCountEveryRecordExactlyOnceWhileTasksMoveBetweenInstances() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir)
                .config("group.initial.rebalance.delay.ms", "0").config("metrics.port", "0").start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()));
                KafkaProducer<String, String> producer = producer(broker)) {
            admin.createTopics(List.of(new NewTopic(INPUT, PARTITIONS, (short) 1), new NewTopic(COPIES, PARTITIONS, (short) 1),
                    new NewTopic(COUNTS, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);

            KafkaStreams first = start(broker, stateA);
            send(producer, 0, RECORDS / 3);
            await().atMost(Duration.ofSeconds(90)).until(() -> readCommitted(broker, COPIES).size() >= RECORDS / 6);

            KafkaStreams second = start(broker, stateB);
            try {
                send(producer, RECORDS / 3, 2 * RECORDS / 3);
                await().atMost(Duration.ofSeconds(90)).until(() -> readCommitted(broker, COPIES).size() >= RECORDS / 2);
                first.close(Duration.ofSeconds(60)); // its tasks, with their state, move to the second instance
                send(producer, 2 * RECORDS / 3, RECORDS);
                await().atMost(Duration.ofSeconds(120)).until(() -> readCommitted(broker, COPIES).size() >= RECORDS);
                await().atMost(Duration.ofSeconds(60)).until(() -> lastCounts(broker).size() == KEYS
                        && lastCounts(broker).values().stream().mapToLong(Long::longValue).sum() == RECORDS);
            } finally {
                second.close(Duration.ofSeconds(60));
                first.close(Duration.ofSeconds(60));
            }

            List<String> copies = new ArrayList<>(readCommitted(broker, COPIES).values());
            assertThat(copies).hasSize(RECORDS).doesNotHaveDuplicates();
            Map<String, Long> counts = lastCounts(broker);
            for (int k = 0; k < KEYS; k++) {
                assertThat(counts).containsEntry("key-" + k, (long) RECORDS / KEYS);
            }
        }
    }

    private KafkaStreams start(SuretyBroker broker, Path stateDir) {
        StreamsBuilder builder = new StreamsBuilder();
        KStream<String, String> input = builder.stream(INPUT, Consumed.with(Serdes.String(), Serdes.String()));
        input.mapValues(value -> "copy-of-" + value).to(COPIES, Produced.with(Serdes.String(), Serdes.String()));
        input.groupByKey().count().toStream().to(COUNTS, Produced.with(Serdes.String(), Serdes.Long()));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, APP);
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, 1);
        props.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), "earliest");
        KafkaStreams streams = new KafkaStreams(builder.build(), props);
        streams.start();
        return streams;
    }

    private static void send(KafkaProducer<String, String> producer, int from, int to) {
        for (int i = from; i < to; i++) {
            producer.send(new ProducerRecord<>(INPUT, "key-" + (i % KEYS), "value-" + i));
        }
        producer.flush();
    }

    /** Every committed record of {@code topic}, keyed by partition and offset. */
    private static Map<String, String> readCommitted(SuretyBroker broker, String topic) {
        Map<String, String> out = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = reader(broker)) {
            readAll(consumer, topic).forEach(r -> out.put(r.partition() + "@" + r.offset(), r.value()));
        }
        return out;
    }

    /** The latest count per key in the counts topic, as a read_committed reader sees it. */
    private static Map<String, Long> lastCounts(SuretyBroker broker) {
        Map<String, Long> counts = new HashMap<>();
        Properties props = readerSettings(broker);
        try (KafkaConsumer<String, Long> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                Serdes.Long().deserializer())) {
            readAll(consumer, COUNTS).forEach(r -> counts.put(r.key(), r.value()));
        }
        return counts;
    }

    private static <V> List<ConsumerRecord<String, V>> readAll(KafkaConsumer<String, V> consumer, String topic) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p)) && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        return records;
    }

    private static KafkaConsumer<String, String> reader(SuretyBroker broker) {
        return new KafkaConsumer<>(readerSettings(broker), new StringDeserializer(), new StringDeserializer());
    }

    private static Properties readerSettings(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return props;
    }

    private static KafkaProducer<String, String> producer(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
