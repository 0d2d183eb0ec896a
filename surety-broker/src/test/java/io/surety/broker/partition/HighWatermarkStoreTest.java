package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.LogCapture;
import io.surety.broker.log.FsyncLedger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node's high-watermark checkpoint across runs: the previous run's values handed out once per
 * partition, one file write for every partition, and none when nothing changed.
 */
class HighWatermarkStoreTest {

    private static final TopicPartition A = new TopicPartition("orders", 0);
    private static final TopicPartition B = new TopicPartition("orders", 1);

    @TempDir
    Path dir;

    /** Counts the file writes: the ledger hears of every durable write. */
    private final List<Path> writes = new CopyOnWriteArrayList<>();
    private final FsyncLedger ledger = new FsyncLedger() {
        @Override
        public void synced(Path file, long length) {
            writes.add(file);
        }
    };

    @Test
    void shouldHandOutThePreviousRunsValuesOncePerPartitionWhenReplicasOpen() throws Exception {
        new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).write(Map.of(A, 40L, B, 7L));
        HighWatermarkStore store = HighWatermarkStore.load(dir, ledger);

        assertThat(store.takeStartingHighWatermark(A)).isEqualTo(OptionalLong.of(40));
        assertThat(store.takeStartingHighWatermark(A)).as("a partition of that name created again").isEmpty();
        assertThat(store.takeStartingHighWatermark(new TopicPartition("events", 0))).isEmpty();
        assertThat(store.takeStartingHighWatermark(B)).isEqualTo(OptionalLong.of(7));
    }

    @Test
    void shouldWriteOneFileForAllPartitionsAndOnlyWhenAHighWatermarkChanged() throws Exception {
        Map<TopicPartition, Long> current = new HashMap<>();
        for (int p = 0; p < 1000; p++) {
            current.put(new TopicPartition("orders", p), (long) p);
        }
        HighWatermarkStore store = HighWatermarkStore.load(dir, ledger);

        assertThat(store.checkpoint(current)).isTrue();
        assertThat(writes).containsExactly(dir.resolve(HighWatermarkCheckpoint.FILE_NAME));
        assertThat(store.checkpoint(Map.copyOf(current))).as("nothing moved").isFalse();
        current.put(new TopicPartition("orders", 500), 501L);
        assertThat(store.checkpoint(current)).isTrue();
        assertThat(writes).hasSize(2);
        assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEqualTo(current);
        current.remove(new TopicPartition("orders", 999));
        assertThat(store.checkpoint(current)).as("a replica no longer hosted").isTrue();
        assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).hasSize(999);
    }

    @Test
    void shouldNotRewriteWhatThePreviousRunLeftWhenNothingMoved() throws Exception {
        new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).write(Map.of(A, 40L, B, 7L));
        HighWatermarkStore store = HighWatermarkStore.load(dir, ledger);
        store.takeStartingHighWatermark(A);
        store.takeStartingHighWatermark(B);

        assertThat(store.checkpoint(Map.of(A, 40L, B, 7L))).isFalse();
        assertThat(writes).isEmpty();
    }

    @Test
    void shouldWarnAndTryAgainAtTheNextCheckpointWhenAWriteFails() throws Exception {
        HighWatermarkStore store = HighWatermarkStore.load(dir, ledger);
        Path tmp = dir.resolve(HighWatermarkCheckpoint.FILE_NAME + ".tmp");
        Files.createDirectory(tmp);
        Files.writeString(tmp.resolve("blocker"), "a directory in the way of the temp file");

        try (LogCapture log = LogCapture.attach(HighWatermarkStore.class.getName(), true)) {
            assertThat(store.checkpoint(Map.of(A, 3L))).isFalse();
            assertThat(log.warnings()).isEqualTo(1);
            assertThat(log.keptWarnings().get(0)).contains(dir.resolve(HighWatermarkCheckpoint.FILE_NAME).toString());
        }
        Files.delete(tmp.resolve("blocker"));
        Files.delete(tmp);
        assertThat(store.checkpoint(Map.of(A, 3L))).isTrue();
        assertThat(new HighWatermarkCheckpoint(dir, FsyncLedger.NONE).read()).isEqualTo(Map.of(A, 3L));
    }
}
