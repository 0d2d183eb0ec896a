package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.RawKafkaConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsPartition;
import org.apache.kafka.common.message.ListOffsetsRequestData.ListOffsetsTopic;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;

/**
 * Corruption is never cut in silence, with a real broker process: garbage planted in the middle of
 * a partition's segment (acknowledged records on both sides of the recovery point) keeps that
 * partition offline after a clean stop and after {@code kill -9} alike, while the other partition
 * serves and the files stay as they are; {@code recover --truncate}, run through the same
 * {@code Main}, cuts it and reports what went; a torn tail is still cut at start on its own.
 */
class CorruptionIT {

    private static final String TOPIC = "corrupt";
    private static final int RECORDS = 110;
    private static final int FIRST_DAMAGED = 50;
    private static final int LAST_DAMAGED = 70;
    private static final long RECOVERY_POINT = 60;
    private static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(60);

    @Test
    void shouldKeepCorruptPartitionOfflineUntilRecoverTruncatesItWhenGarbageIsPlantedMidSegment() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.printf("CorruptionIT seed=%d (repeat with -Dsurety.seed=%d)%n", seed, seed);
        RunDirectory run = RunDirectory.create("CorruptionIT");
        Path dataDir = run.dataDir("data");
        Path segment = dataDir.resolve(TOPIC + "-0").resolve("00000000000000000000.log");
        String[] config = {"--override", "log.dirs=" + dataDir.toAbsolutePath(), "--override", "metrics.port=0"};
        try (ChildBroker broker = ChildBroker.start(dataDir, run.logFile("broker"), Map.of("num.partitions", "2"))) {
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(broker.bootstrapServers(), 60_000,
                    Map.of())) {
                for (int i = 0; i < RECORDS; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 0, "k" + i, "v" + i)).get();
                }
                for (int i = 0; i < 10; i++) {
                    producer.send(new ProducerRecord<>(TOPIC, 1, "k" + i, "w" + i)).get();
                }
            }
            broker.stop();

            List<long[]> batches = batchesInFile(segment);
            long damageStart = positionOf(batches, FIRST_DAMAGED) + 40;
            long damageEnd = positionOf(batches, LAST_DAMAGED) + 30;
            byte[] garbage = new byte[(int) (damageEnd - damageStart)];
            new Random(seed).nextBytes(garbage);
            writeAt(segment, damageStart, garbage);
            Files.writeString(segment.resolveSibling("recovery-point"), RECOVERY_POINT + "\n");
            byte[] damaged = Files.readAllBytes(segment);
            long bytesBeyond = damaged.length - positionOf(batches, FIRST_DAMAGED);
            String range = "offsets [" + FIRST_DAMAGED + ", " + RECORDS + ")";

            broker.restart(); // after a clean stop
            assertOffline(broker, 1);
            assertThat(Files.readAllBytes(segment)).as("files are left untouched").isEqualTo(damaged);
            assertThat(errorLines(broker)).last().asString().contains(segment.toString())
                    .contains("position " + positionOf(batches, FIRST_DAMAGED)).contains(range)
                    .contains(bytesBeyond + " bytes");

            broker.kill9();
            broker.restart(); // after kill -9
            assertOffline(broker, 2);
            assertThat(Files.readAllBytes(segment)).isEqualTo(damaged);

            Path recoverLog = run.logFile("recover");
            String[] recoverP0 = concat(new String[] {"recover", "--truncate", TOPIC + "-0"}, config);
            assertThat(ChildBroker.runCommand(recoverLog, COMMAND_TIMEOUT, recoverP0)).isEqualTo(2);
            assertThat(Files.readString(recoverLog)).contains("A broker is running on");
            broker.kill9();
            assertThat(ChildBroker.runCommand(recoverLog, COMMAND_TIMEOUT,
                    concat(new String[] {"recover", "--truncate", TOPIC + "-1"}, config))).isEqualTo(2);
            assertThat(Files.readString(recoverLog)).contains("Nothing to truncate: " + TOPIC + "-1 is not corrupt");
            assertThat(ChildBroker.runCommand(recoverLog, COMMAND_TIMEOUT,
                    concat(new String[] {"recover", "--truncate", "nosuch-0"}, config))).isEqualTo(2);
            assertThat(Files.readString(recoverLog)).contains("Unknown partition nosuch-0");
            assertThat(ChildBroker.runCommand(recoverLog, COMMAND_TIMEOUT, recoverP0)).isEqualTo(0);
            assertThat(Files.readString(recoverLog)).contains("Truncated " + TOPIC + "-0 at " + segment + " position "
                    + positionOf(batches, FIRST_DAMAGED) + ": removed " + range + ", " + bytesBeyond + " bytes");

            broker.restart();
            assertThat(valuesOf(broker, 0)).as("the records before the damage are served")
                    .isEqualTo(expectedValues(FIRST_DAMAGED));
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(broker.bootstrapServers(), 60_000,
                    Map.of())) {
                assertThat(producer.send(new ProducerRecord<>(TOPIC, 0, "k", "v" + FIRST_DAMAGED)).get().offset())
                        .isEqualTo(FIRST_DAMAGED);
            }

            broker.kill9();
            long sizeBeforeTear = Files.size(segment);
            byte[] tail = new byte[200];
            new Random(seed + 1).nextBytes(tail);
            writeAt(segment, sizeBeforeTear, tail);
            broker.restart();
            assertThat(Files.readString(broker.logFile())).contains("cut a torn tail");
            assertThat(Files.size(segment)).isEqualTo(sizeBeforeTear);
            assertThat(valuesOf(broker, 0)).isEqualTo(expectedValues(FIRST_DAMAGED + 1));
        }
        run.passed();
    }

    /** Partition 0 answers KAFKA_STORAGE_ERROR and takes no records; partition 1 serves; the ERROR line was logged. */
    private static void assertOffline(ChildBroker broker, int errorLinesSoFar) throws Exception {
        assertThat(listOffsetsError(broker, 0)).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(listOffsetsError(broker, 1)).isEqualTo(Errors.NONE);
        try (KafkaProducer<String, String> producer = TestProducers.acksAll(broker.bootstrapServers(), 6_000,
                Map.of("request.timeout.ms", 3_000, "max.block.ms", 6_000))) {
            assertThat(producer.send(new ProducerRecord<>(TOPIC, 1, "k", "w")).get().partition()).isEqualTo(1);
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(TOPIC, 0, "k", "lost")).get())
                    .isInstanceOf(ExecutionException.class);
        }
        assertThat(errorLines(broker)).hasSize(errorLinesSoFar);
    }

    private static Errors listOffsetsError(ChildBroker broker, int partition) throws IOException {
        int port = Integer.parseInt(broker.bootstrapServers().substring(broker.bootstrapServers().indexOf(':') + 1));
        try (RawKafkaConnection connection = RawKafkaConnection.open(port)) {
            ListOffsetsResponseData response = connection.call(ApiKeys.LIST_OFFSETS, (short) 5,
                    new ListOffsetsRequestData().setReplicaId(-1).setTopics(List.of(new ListOffsetsTopic()
                            .setName(TOPIC).setPartitions(List.of(new ListOffsetsPartition()
                                    .setPartitionIndex(partition).setTimestamp(-1L))))));
            return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
        }
    }

    private static List<String> errorLines(ChildBroker broker) throws IOException {
        try (var lines = Files.lines(broker.logFile())) {
            return lines.filter(line -> line.contains(" ERROR ") && line.contains("Partition " + TOPIC + "-0 is corrupt at"))
                    .toList();
        }
    }

    private static List<String> valuesOf(ChildBroker broker, int partition) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "enable.auto.commit", false);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(TOPIC, partition);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            List<String> values = new ArrayList<>();
            long deadlineNs = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (consumer.position(tp) < end && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
            }
            return values;
        }
    }

    private static List<String> expectedValues(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("v" + i);
        }
        return values;
    }

    /** The batches of a segment file as {position, size, base offset}, read with kafka-clients. */
    private static List<long[]> batchesInFile(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<long[]> out = new ArrayList<>();
        long position = 0;
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            out.add(new long[] {position, batch.sizeInBytes(), batch.baseOffset()});
            position += batch.sizeInBytes();
        }
        return out;
    }

    /** Position of the batch holding {@code offset} (one record per batch here: each send waited for its ack). */
    private static long positionOf(List<long[]> batches, long offset) {
        return batches.stream().filter(batch -> batch[2] == offset).findFirst().orElseThrow()[0];
    }

    private static void writeAt(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static String[] concat(String[] first, String[] second) {
        String[] all = new String[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
