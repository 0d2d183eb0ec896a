package io.surety.compat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Producers and consumers of raw bytes with settings spelled out, so that 3.9 and 4.x clients,
 * whose defaults differ (linger.ms, for one), behave alike. Only configuration keys present in
 * both lines are used. Stateless.
 */
final class Clients {

    private static final long SEND_TIMEOUT_S = 30;

    private Clients() {
    }

    /** A producer with {@code overrides} applied over the shared settings. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        config.putAll(overrides);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Writes {@code perPartition} records to each of {@code partitions} with acks=all and waits for
     * every acknowledgement; returns the values, {@code <topic>-p<partition>-<index>} as UTF-8
     * (also the keys), in the order sent.
     */
    static List<String> produceToEach(String bootstrapServers, List<TopicPartition> partitions, int perPartition)
            throws InterruptedException, ExecutionException, TimeoutException {
        List<String> values = new ArrayList<>();
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, Map.of(ProducerConfig.ACKS_CONFIG, "all"))) {
            for (int i = 0; i < perPartition; i++) {
                for (TopicPartition partition : partitions) {
                    String value = partition.topic() + "-p" + partition.partition() + "-" + i;
                    byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
                    sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), bytes, bytes)));
                    values.add(value);
                }
            }
            producer.flush();
            for (Future<RecordMetadata> future : sent) {
                future.get(SEND_TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        return values;
    }

    /**
     * A consumer without a group (assign mode only), reading from the earliest offset and never
     * committing.
     */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers) {
        return consumer(bootstrapServers, Map.of());
    }

    /** A consumer as {@link #consumer(String)}, with {@code overrides} applied. */
    static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
        config.put(ConsumerConfig.CHECK_CRCS_CONFIG, true);
        config.putAll(overrides);
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
