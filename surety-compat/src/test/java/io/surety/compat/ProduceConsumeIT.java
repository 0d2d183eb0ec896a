package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A million records through one topic of {@link ChildBrokerExtension#PARTITIONS} partitions, one
 * run per (acks, compression) pair, then read back in assign mode and checked record by record:
 * per partition, offsets contiguous from 0, every record in the order sent with its key, value
 * (null and empty included), headers and timestamp, and, for acks=1 and acks=all, found at the
 * offset its acknowledgement named. acks=0 may lose records in theory; on a healthy local broker
 * none may be missing.
 *
 * <p>Runs produce one after another, each with its own producer, writing the same number of
 * records to every partition, so a partition holds run 0's records, then run 1's, and so on. An
 * acks=0 producer is done when its requests are written to the socket, before the broker has read
 * them, so the next run starts only once every partition's end offset counts this run's records:
 * otherwise the next producer's records could legitimately land before this one's tail.
 * The consumer checks each record as it arrives; only the acknowledged offsets are kept (8 bytes
 * per record).
 */
class ProduceConsumeIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = new ChildBrokerExtension();

    private static final String TOPIC = "produce-consume";
    private static final int PARTITIONS = ChildBrokerExtension.PARTITIONS;
    private static final int RECORDS_PER_PARTITION_PER_RUN = 11_112;
    private static final List<String> COMPRESSION_TYPES = List.of("none", "gzip", "snappy", "lz4", "zstd");
    /** acks=0 goes last: nothing produced after it may be what makes its records visible. */
    private static final List<String> ACKS = List.of("1", "all", "0");
    private static final List<Run> RUNS = runs();
    private static final long TOTAL_RECORDS = (long) RUNS.size() * PARTITIONS * RECORDS_PER_PARTITION_PER_RUN;
    private static final Duration CONSUME_TIMEOUT = Duration.ofMinutes(2);

    /** One producer configuration; acks=all is idempotent, the others are not. */
    private record Run(int number, String acks, String compression) {

        boolean acknowledged() {
            return !acks.equals("0");
        }

        Map<String, Object> producerConfig() {
            return Map.of(ProducerConfig.ACKS_CONFIG, acks,
                    ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, acks.equals("all"),
                    ProducerConfig.COMPRESSION_TYPE_CONFIG, compression);
        }

        @Override
        public String toString() {
            return "run " + number + " (acks=" + acks + ", compression=" + compression + ")";
        }
    }

    private static List<Run> runs() {
        List<Run> runs = new ArrayList<>();
        for (String acks : ACKS) {
            for (String compression : COMPRESSION_TYPES) {
                runs.add(new Run(runs.size(), acks, compression));
            }
        }
        return List.copyOf(runs);
    }

    @Test
    void shouldDeliverEveryRecordIntactAndInOrderWhenProducedWithEachAcksAndCompression() throws Exception {
        assertThat(TOTAL_RECORDS).isGreaterThanOrEqualTo(1_000_000);
        List<TopicPartition> partitions = BROKER.createTopic(TOPIC);
        RecordPattern pattern = new RecordPattern(System.currentTimeMillis() - TimeUnit.DAYS.toMillis(1));
        long[][] ackedOffsets = new long[RUNS.size()][];

        long produceStartNs = System.nanoTime();
        try (KafkaConsumer<byte[], byte[]> offsets = Clients.consumer(BROKER.bootstrapServers())) {
            for (Run run : RUNS) {
                ackedOffsets[run.number()] = produce(run, pattern);
                awaitEndOffsets(offsets, partitions, (run.number() + 1L) * RECORDS_PER_PARTITION_PER_RUN, run);
            }
        }
        long produceMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - produceStartNs);

        long consumeStartNs = System.nanoTime();
        long verified = consumeAndVerify(partitions, pattern, ackedOffsets);
        long consumeMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - consumeStartNs);

        System.out.printf("[compat] kafka-clients %s: produced %,d records (%d runs x %d partitions x %,d) in %,d ms;"
                        + " consumed and verified %,d in %,d ms%n", AppInfoParser.getVersion(), TOTAL_RECORDS,
                RUNS.size(), PARTITIONS, RECORDS_PER_PARTITION_PER_RUN, produceMs, verified, consumeMs);
        assertThat(verified).isEqualTo(TOTAL_RECORDS);
    }

    /**
     * Sends every record of {@code run}, interleaving partitions, and waits for all of them to
     * complete. Returns the acknowledged offset of each record, indexed {@code partition *
     * RECORDS_PER_PARTITION_PER_RUN + index} (-1 for acks=0, which learns no offsets).
     */
    private static long[] produce(Run run, RecordPattern pattern) {
        long[] offsets = new long[PARTITIONS * RECORDS_PER_PARTITION_PER_RUN];
        AtomicReference<Exception> firstError = new AtomicReference<>();
        AtomicLong completed = new AtomicLong();
        long startNs = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = Clients.producer(BROKER.bootstrapServers(), run.producerConfig())) {
            for (int index = 0; index < RECORDS_PER_PARTITION_PER_RUN; index++) {
                for (int partition = 0; partition < PARTITIONS; partition++) {
                    int slot = partition * RECORDS_PER_PARTITION_PER_RUN + index;
                    int expectedPartition = partition;
                    producer.send(pattern.record(TOPIC, run.number(), partition, index), (metadata, error) -> {
                        if (error != null) {
                            firstError.compareAndSet(null, error);
                        } else if (metadata.partition() != expectedPartition) {
                            firstError.compareAndSet(null, new IllegalStateException("acknowledged for partition "
                                    + metadata.partition() + ", sent to " + expectedPartition));
                        } else {
                            offsets[slot] = metadata.offset();
                        }
                        completed.incrementAndGet(); // publishes offsets[slot] to the reader of completed
                    });
                }
            }
            producer.flush();
        }
        assertThat(firstError.get()).as("first failed send of %s", run).isNull();
        assertThat(completed.get()).as("completed sends of %s", run).isEqualTo(offsets.length);
        System.out.printf("[compat] %s: %,d records sent in %,d ms%n", run, offsets.length,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        return offsets;
    }

    /**
     * Waits until every partition ends at {@code endOffset}. A partition that stays short has lost
     * records of {@code run}; one that goes past it holds records nobody sent.
     */
    private static void awaitEndOffsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            long endOffset, Run run) {
        Map<TopicPartition, Long> expected = offsetsOf(partitions, endOffset);
        AtomicReference<Map<TopicPartition, Long>> last = new AtomicReference<>();
        try {
            await().atMost(CONSUME_TIMEOUT).pollInSameThread().pollInterval(Duration.ofMillis(50)).until(() -> {
                last.set(consumer.endOffsets(partitions));
                return last.get().values().stream().allMatch(offset -> offset >= endOffset);
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("end offsets after " + run + " stayed at " + last.get() + ", expected "
                    + endOffset, e);
        }
        assertThat(last.get()).as("end offsets after %s", run).containsExactlyInAnyOrderEntriesOf(expected);
    }

    /** Reads every partition from the start, checking each record as it arrives; returns how many were checked. */
    private static long consumeAndVerify(List<TopicPartition> partitions, RecordPattern pattern, long[][] ackedOffsets) {
        List<PartitionCursor> cursors = new ArrayList<>();
        for (TopicPartition partition : partitions) {
            cursors.add(new PartitionCursor(partition.partition(), pattern, ackedOffsets));
        }
        try (KafkaConsumer<byte[], byte[]> consumer = Clients.consumer(BROKER.bootstrapServers())) {
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            try {
                await().atMost(CONSUME_TIMEOUT).pollInSameThread().pollDelay(Duration.ZERO)
                        .pollInterval(Duration.ofMillis(1))
                        .until(() -> {
                            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                                cursors.get(record.partition()).check(record);
                            }
                            return cursors.stream().allMatch(PartitionCursor::done);
                        });
            } catch (ConditionTimeoutException e) {
                throw new AssertionError("not every record arrived within " + CONSUME_TIMEOUT + "; progress: "
                        + cursors.stream().map(PartitionCursor::toString).collect(Collectors.joining("; ")), e);
            }
            long perPartition = (long) RUNS.size() * RECORDS_PER_PARTITION_PER_RUN;
            assertThat(consumer.beginningOffsets(partitions)).as("beginning offsets")
                    .containsExactlyInAnyOrderEntriesOf(offsetsOf(partitions, 0L));
            assertThat(consumer.endOffsets(partitions)).as("end offsets")
                    .containsExactlyInAnyOrderEntriesOf(offsetsOf(partitions, perPartition));
        }
        return cursors.stream().mapToLong(cursor -> cursor.checked).sum();
    }

    private static Map<TopicPartition, Long> offsetsOf(List<TopicPartition> partitions, long offset) {
        return partitions.stream().collect(Collectors.toMap(partition -> partition, partition -> offset));
    }

    /**
     * Where the consumer is in one partition: which record of which run must come next, at which
     * offset. Confined to the consuming thread.
     */
    private static final class PartitionCursor {

        private final int partition;
        private final RecordPattern pattern;
        private final long[][] ackedOffsets;
        private int run;
        private int index;
        private long checked;

        PartitionCursor(int partition, RecordPattern pattern, long[][] ackedOffsets) {
            this.partition = partition;
            this.pattern = pattern;
            this.ackedOffsets = ackedOffsets;
        }

        boolean done() {
            return run == RUNS.size();
        }

        /** Checks that {@code record} is the next one expected; throws {@link AssertionError} if not. */
        void check(ConsumerRecord<byte[], byte[]> record) {
            if (done()) {
                throw new AssertionError("partition " + partition + ": unexpected record at offset " + record.offset()
                        + " after all " + checked + " expected ones");
            }
            if (record.offset() != checked) {
                throw new AssertionError("partition " + partition + ": expected offset " + checked + " for "
                        + RecordPattern.name(run, partition, index) + " but the next record is at " + record.offset());
            }
            String mismatch = pattern.mismatch(record, run, partition, index);
            if (mismatch != null) {
                throw new AssertionError("partition " + partition + ", " + RUNS.get(run) + ": " + mismatch);
            }
            if (RUNS.get(run).acknowledged()) {
                long acked = ackedOffsets[run][partition * RECORDS_PER_PARTITION_PER_RUN + index];
                if (acked != record.offset()) {
                    throw new AssertionError("partition " + partition + ", " + RUNS.get(run) + ": "
                            + RecordPattern.name(run, partition, index) + " was acknowledged at offset " + acked
                            + " but is at offset " + record.offset());
                }
            }
            checked++;
            index++;
            if (index == RECORDS_PER_PARTITION_PER_RUN) {
                index = 0;
                run++;
            }
        }

        @Override
        public String toString() {
            return "partition " + partition + ": " + checked + " checked"
                    + (done() ? ", complete" : ", next " + RecordPattern.name(run, partition, index) + " of " + RUNS.get(run));
        }
    }
}
