package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.LogCapture;
import io.surety.broker.log.FsyncLedger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The {@code replication-offset-checkpoint} file: Kafka's text, written and read back whole; a
 * missing file is no entries; a damaged one is no entries and one WARN naming the file, never an
 * exception; a file cut at any length is either read whole or not at all.
 */
class HighWatermarkCheckpointTest {

    private static final Map<TopicPartition, Long> ENTRIES = Map.of(new TopicPartition("orders", 1), 1422L,
            new TopicPartition("orders", 0), 1500L, new TopicPartition("events", 0), 0L,
            new TopicPartition("__consumer_offsets", 12), 9_000_000_000L);
    private static final String KAFKA_TEXT = "0\n4\n__consumer_offsets 12 9000000000\nevents 0 0\norders 0 1500\n"
            + "orders 1 1422\n";

    @TempDir
    Path dir;

    @Test
    void shouldWriteKafkasFormatAndReadItBackWhenRoundTripped() throws Exception {
        HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir, FsyncLedger.NONE);
        checkpoint.write(ENTRIES);

        assertThat(Files.readString(dir.resolve("replication-offset-checkpoint"))).isEqualTo(KAFKA_TEXT);
        assertThat(checkpoint.read()).isEqualTo(ENTRIES);
        assertThat(dir.resolve("replication-offset-checkpoint.tmp")).doesNotExist();

        checkpoint.write(Map.of());
        assertThat(Files.readString(checkpoint.file())).isEqualTo("0\n0\n");
        assertThat(checkpoint.read()).isEmpty();
    }

    @Test
    void shouldReadAFileKafkaWroteWhenItIsThere() throws Exception {
        Files.writeString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME), KAFKA_TEXT);

        assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEqualTo(ENTRIES);
    }

    @Test
    void shouldReadNoEntriesAndWarnNothingWhenTheFileIsMissing() {
        try (LogCapture log = LogCapture.attach(HighWatermarkCheckpoint.class.getName(), true)) {
            assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEmpty();
            assertThat(log.warnings()).isZero();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "1\n0\n", "0\n", "0\n2\norders 0 5\n", "0\n1\norders 0 5\norders 1 6\n",
        "0\n1\norders 0\n", "0\n1\norders zero 5\n", "0\n1\norders 0 -1\n", "0\n1\norders -1 5\n",
        "0\n2\norders 0 5\norders 0 6\n", "0\n1\n 0 5\n", "0\n1\norders 0 5", "0\n-1\n", "\u0000\u0000\u0000",
        "garbage\n", "0\n1\norders  0 5\n", "0\n1\norders 0 5 7\n"})
    void shouldReadNoEntriesWithOneWarningNamingTheFileWhenItIsGarbled(String text) throws Exception {
        Path file = dir.resolve(HighWatermarkCheckpoint.FILE_NAME);
        Files.writeString(file, text);

        try (LogCapture log = LogCapture.attach(HighWatermarkCheckpoint.class.getName(), true)) {
            assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEmpty();
            assertThat(log.warnings()).isEqualTo(1);
            assertThat(log.keptWarnings().get(0)).contains(file.toString());
        }
        assertThat(Files.readString(file)).as("the file is left as it was").isEqualTo(text);
    }

    @Test
    void shouldReadEitherEverythingOrNothingWhenTheFileIsCutAtAnyLength() throws Exception {
        byte[] whole = KAFKA_TEXT.getBytes(StandardCharsets.UTF_8);
        Path file = dir.resolve(HighWatermarkCheckpoint.FILE_NAME);
        HighWatermarkCheckpoint checkpoint = new HighWatermarkCheckpoint(dir, FsyncLedger.NONE);
        try (LogCapture log = LogCapture.attach(HighWatermarkCheckpoint.class.getName(), true)) {
            for (int length = 0; length <= whole.length; length++) {
                Files.write(file, java.util.Arrays.copyOf(whole, length));
                Map<TopicPartition, Long> read = checkpoint.read();
                assertThat(read).as("cut at %d of %d bytes", length, whole.length)
                        .isEqualTo(length == whole.length ? ENTRIES : Map.of());
            }
            assertThat(log.warnings()).isEqualTo(whole.length);
        }
    }

    @Test
    void shouldReadNoEntriesWhenTheFileCannotBeReadAtAll() throws Exception {
        Files.createDirectory(dir.resolve(HighWatermarkCheckpoint.FILE_NAME));

        try (LogCapture log = LogCapture.attach(HighWatermarkCheckpoint.class.getName(), true)) {
            assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEmpty();
            assertThat(log.warnings()).isEqualTo(1);
        }
    }
}
