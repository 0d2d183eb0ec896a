package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Positioning a consumer: {@code seek} by offset, {@code offsetsForTimes} then {@code seek} by
 * timestamp, and {@code beginningOffsets}/{@code endOffsets}.
 *
 * <p>Data, written once for the class with explicit timestamps, in batches of {@value #BATCH}
 * records: partition 0 uncompressed with timestamps rising by 10 ms; partition 1 lz4-compressed
 * (a seek lands inside a compressed batch) with timestamps out of order by up to 100 ms either
 * way, drawn from a seeded random (seed printed; {@code -Dsurety.compat.seed} repeats a run); the
 * other partitions empty.
 */
class SeekIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = new ChildBrokerExtension();

    private static final String TOPIC = "seek";
    private static final int RECORDS = 1_000;
    private static final int BATCH = 97;
    private static final long SPACING_MS = 10;
    private static final int JITTER_MS = 100;
    private static final long SEED = seed();
    private static final Duration POLL_TIMEOUT = Duration.ofSeconds(30);

    private static List<TopicPartition> partitions;
    private static TopicPartition ordered;
    private static TopicPartition shuffled;
    private static long[] orderedTimestamps;
    private static long[] shuffledTimestamps;
    private static long baseTimestampMs;

    @BeforeAll
    static void produce() throws Exception {
        System.out.printf("[compat] SeekIT seed %d%n", SEED);
        partitions = BROKER.createTopic(TOPIC);
        ordered = partitions.get(0);
        shuffled = partitions.get(1);
        baseTimestampMs = System.currentTimeMillis() - TimeUnit.HOURS.toMillis(1);
        Random random = new Random(SEED);
        orderedTimestamps = new long[RECORDS];
        shuffledTimestamps = new long[RECORDS];
        for (int i = 0; i < RECORDS; i++) {
            orderedTimestamps[i] = baseTimestampMs + i * SPACING_MS;
            shuffledTimestamps[i] = baseTimestampMs + i * SPACING_MS + random.nextInt(2 * JITTER_MS + 1) - JITTER_MS;
        }
        produce(ordered, "none", orderedTimestamps);
        produce(shuffled, "lz4", shuffledTimestamps);
    }

    private static void produce(TopicPartition partition, String compression, long[] timestamps) throws Exception {
        Map<String, Object> config = Map.of(ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(BROKER.bootstrapServers(), config)) {
            for (int start = 0; start < RECORDS; start += BATCH) {
                List<Future<RecordMetadata>> sent = new ArrayList<>();
                for (int i = start; i < Math.min(start + BATCH, RECORDS); i++) {
                    sent.add(producer.send(new ProducerRecord<>(partition.topic(), partition.partition(), timestamps[i],
                            key(i), ("value " + i).getBytes(StandardCharsets.UTF_8))));
                }
                producer.flush();
                for (int i = 0; i < sent.size(); i++) {
                    assertThat(sent.get(i).get().offset()).as("offset of record %d", start + i).isEqualTo(start + i);
                }
            }
        }
    }

    @Test
    void shouldReportBeginningAndEndOffsetsOfEveryPartition() {
        Map<TopicPartition, Long> expectedEnds = new HashMap<>();
        Map<TopicPartition, Long> expectedBeginnings = new HashMap<>();
        for (TopicPartition partition : partitions) {
            expectedBeginnings.put(partition, 0L);
            expectedEnds.put(partition, partition.equals(ordered) || partition.equals(shuffled) ? (long) RECORDS : 0L);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(BROKER.bootstrapServers())) {
            consumer.assign(partitions);
            assertThat(consumer.beginningOffsets(partitions)).containsExactlyInAnyOrderEntriesOf(expectedBeginnings);
            assertThat(consumer.endOffsets(partitions)).containsExactlyInAnyOrderEntriesOf(expectedEnds);
        }
    }

    @Test
    void shouldReadFromThatOffsetWhenSeekingByOffset() {
        for (TopicPartition partition : List.of(ordered, shuffled)) {
            try (KafkaConsumer<byte[], byte[]> consumer = seekingConsumer()) {
                consumer.assign(List.of(partition));
                for (long offset : new long[] {0, 1, BATCH - 1, BATCH, 500, 2 * BATCH + 3, RECORDS - 1}) {
                    consumer.seek(partition, offset);
                    List<ConsumerRecord<byte[], byte[]>> records = pollAtLeast(consumer, (int) Math.min(5, RECORDS - offset));
                    for (int i = 0; i < records.size(); i++) {
                        ConsumerRecord<byte[], byte[]> record = records.get(i);
                        long expected = offset + i;
                        assertThat(record.offset()).as("offset of record %d after seek(%s, %d)", i, partition, offset)
                                .isEqualTo(expected);
                        assertThat(record.key()).as("key at %s offset %d", partition, expected).isEqualTo(key(expected));
                        assertThat(record.timestamp()).as("timestamp at %s offset %d", partition, expected)
                                .isEqualTo(timestampsOf(partition)[(int) expected]);
                    }
                }
                consumer.seek(partition, RECORDS);
                assertThat(consumer.position(partition)).as("position after seeking to the end").isEqualTo(RECORDS);
            }
        }
    }

    @Test
    void shouldFindFirstRecordAtOrAfterTimestampWhenSeekingByTime() {
        Random random = new Random(SEED + 1);
        for (TopicPartition partition : List.of(ordered, shuffled)) {
            try (KafkaConsumer<byte[], byte[]> consumer = seekingConsumer()) {
                long[] timestamps = timestampsOf(partition);
                List<Long> targets = new ArrayList<>(List.of(baseTimestampMs - 1_000, timestamps[0], timestamps[BATCH],
                        timestamps[BATCH] + 1, timestamps[RECORDS - 1], max(timestamps)));
                for (int i = 0; i < 20; i++) {
                    targets.add(baseTimestampMs - JITTER_MS + random.nextInt(RECORDS * (int) SPACING_MS + 2 * JITTER_MS));
                }
                consumer.assign(List.of(partition));
                for (long target : targets) {
                    int expected = firstAtOrAfter(timestamps, target);
                    OffsetAndTimestamp found = consumer.offsetsForTimes(Map.of(partition, target)).get(partition);
                    if (expected < 0) {
                        assertThat(found).as("offsetsForTimes(%s, %d) after the last record", partition, target).isNull();
                        continue;
                    }
                    assertThat(found).as("offsetsForTimes(%s, %d)", partition, target).isNotNull();
                    assertThat(found.offset()).as("offset for %s at %d", partition, target).isEqualTo(expected);
                    assertThat(found.timestamp()).as("timestamp for %s at %d", partition, target)
                            .isEqualTo(timestamps[expected]);

                    consumer.seek(partition, found.offset());
                    ConsumerRecord<byte[], byte[]> first = pollAtLeast(consumer, 1).get(0);
                    assertThat(first.offset()).isEqualTo(expected);
                    assertThat(first.timestamp()).isEqualTo(timestamps[expected]).isGreaterThanOrEqualTo(target);
                    assertThat(first.key()).isEqualTo(key(expected));
                }
            }
        }
    }

    @Test
    void shouldFindNothingWhenTimestampIsAfterTheLastRecord() {
        Map<TopicPartition, Long> query = new HashMap<>();
        for (TopicPartition partition : partitions) {
            long[] timestamps = partition.equals(ordered) || partition.equals(shuffled) ? timestampsOf(partition) : null;
            query.put(partition, timestamps == null ? baseTimestampMs : max(timestamps) + 1);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(BROKER.bootstrapServers())) {
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
            assertThat(found).containsOnlyKeys(partitions);
            assertThat(found.values()).as("offsets found after the last record").containsOnlyNulls();
        }
    }

    /**
     * A consumer that seeks often: after each poll it has already asked for the records past the
     * end, and a seek waits for that fetch, so the broker should hold it only briefly.
     */
    private static KafkaConsumer<byte[], byte[]> seekingConsumer() {
        return Clients.consumer(BROKER.bootstrapServers(), Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 20));
    }

    private static long seed() {
        String given = System.getProperty("surety.compat.seed", "");
        return given.isBlank() ? System.nanoTime() : Long.parseLong(given.trim());
    }

    /** Polls until at least {@code count} records have arrived; returns them in order. */
    private static List<ConsumerRecord<byte[], byte[]>> pollAtLeast(KafkaConsumer<byte[], byte[]> consumer, int count) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        await().atMost(POLL_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1))
                .until(() -> {
                    consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                    return records.size() >= count;
                });
        return records;
    }

    private static long[] timestampsOf(TopicPartition partition) {
        return partition.equals(ordered) ? orderedTimestamps : shuffledTimestamps;
    }

    /** Kafka's rule: the earliest offset whose timestamp is at or after {@code target}; -1 if none. */
    private static int firstAtOrAfter(long[] timestamps, long target) {
        for (int i = 0; i < timestamps.length; i++) {
            if (timestamps[i] >= target) {
                return i;
            }
        }
        return -1;
    }

    private static long max(long[] values) {
        long max = Long.MIN_VALUE;
        for (long value : values) {
            max = Math.max(max, value);
        }
        return max;
    }

    private static byte[] key(long index) {
        return ("k" + index).getBytes(StandardCharsets.UTF_8);
    }
}
