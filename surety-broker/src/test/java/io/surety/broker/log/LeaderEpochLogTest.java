package io.surety.broker.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.LeaderEpochCache.EpochEndOffset;
import io.surety.broker.log.LeaderEpochCache.EpochEntry;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader-epoch cache inside a log: assigned epochs and batch epochs, its checkpoint across
 * restarts, after it is torn or lost, and as retention and DeleteRecords move the log start.
 */
class LeaderEpochLogTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Log.SegmentCloser CLOSE_NOW = (close, delayMs) -> close.run();

    @TempDir
    Path dir;

    private final Map<String, String> overrides = new HashMap<>(Map.of(
            TopicConfig.SEGMENT_BYTES, "1024",
            TopicConfig.INDEX_INTERVAL_BYTES, "200",
            TopicConfig.CLEANUP_POLICY, "delete"));

    /** Epoch 0 from 0 (10 batches of 2), 1 assigned at 20 with no batch, 2 from 20 (10 batches), 4 from 40 (5). */
    private Log severalEpochs() throws IOException {
        Log log = open(true);
        log.assignLeaderEpoch(0);
        appendBatches(log, 10, 0);
        log.assignLeaderEpoch(1);
        log.assignLeaderEpoch(2);
        appendBatches(log, 10, 2);
        log.assignLeaderEpoch(3);
        appendBatches(log, 5, 4);
        return log;
    }

    @Test
    void shouldAnswerEveryRuleFromLogWithSeveralEpochs() throws Exception {
        Log log = severalEpochs();
        assertThat(log.leaderEpochs().entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 20),
                new EpochEntry(4, 40));
        assertThat(log.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 20));
        assertThat(log.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(0, 20));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 40));
        assertThat(log.endOffsetForEpoch(3)).isEqualTo(new EpochEndOffset(2, 40));
        assertThat(log.endOffsetForEpoch(4)).isEqualTo(new EpochEndOffset(4, 50));
        assertThat(log.endOffsetForEpoch(5)).isEqualTo(EpochEndOffset.UNDEFINED);
        assertThat(log.epochForOffset(39)).hasValue(2);
        assertThatThrownBy(() -> log.assignLeaderEpoch(3)).isInstanceOf(IllegalArgumentException.class);
        log.close(T0);
    }

    @Test
    void shouldKeepEpochWithoutBatchAcrossRestart() throws Exception {
        Log log = severalEpochs();
        log.assignLeaderEpoch(6);
        log.close(T0);
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"), StandardCharsets.UTF_8))
                .isEqualTo("0\n4\n0 0\n2 20\n4 40\n6 50\n");

        Log reopened = open(true);
        assertThat(reopened.leaderEpochs().entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 20),
                new EpochEntry(4, 40), new EpochEntry(6, 50));
        assertThat(reopened.endOffsetForEpoch(4)).isEqualTo(new EpochEndOffset(4, 50));
        assertThat(reopened.endOffsetForEpoch(6)).isEqualTo(new EpochEndOffset(6, 50));
        reopened.close(T0);
        Log crashed = open(false);
        assertThat(crashed.leaderEpochs()).isEqualTo(reopened.leaderEpochs());
        crashed.close(T0);
    }

    @Test
    void shouldRebuildFromBatchHeadersWhenCheckpointIsTornOrMissing() throws Exception {
        Log log = severalEpochs();
        log.assignLeaderEpoch(6);
        log.close(T0);
        Path file = dir.resolve("leader-epoch-checkpoint");
        String whole = Files.readString(file, StandardCharsets.UTF_8);
        Files.writeString(file, whole.substring(0, whole.length() - 3));

        Log rebuilt = open(false);
        assertThat(rebuilt.damage()).isEmpty();
        // Epoch 6 had no batch: it is gone, and the next leader assigns an epoch at the log end again.
        assertThat(rebuilt.leaderEpochs().entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 20),
                new EpochEntry(4, 40));
        assertThat(rebuilt.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 40));
        assertThat(Files.readString(file, StandardCharsets.UTF_8)).isEqualTo("0\n3\n0 0\n2 20\n4 40\n");
        rebuilt.close(T0);

        Files.delete(file);
        Log again = open(true);
        assertThat(again.leaderEpochs()).isEqualTo(rebuilt.leaderEpochs());
        again.close(T0);
    }

    @Test
    void shouldExtendCheckpointWithBatchOfUnassignedEpoch() throws Exception {
        Log log = open(true);
        appendBatches(log, 3, 5);
        assertThat(log.leaderEpochs().entries()).containsExactly(new EpochEntry(5, 0));
        assertThat(Files.readString(dir.resolve("leader-epoch-checkpoint"), StandardCharsets.UTF_8))
                .isEqualTo("0\n1\n5 0\n");
        appendBatches(log, 1, LeaderEpochCache.UNDEFINED_EPOCH);
        assertThat(log.leaderEpochs().entries()).containsExactly(new EpochEntry(5, 0));
        log.close(T0);
    }

    @Test
    void shouldFollowLogStartWhenRetentionAndDeleteRecordsMoveIt() throws Exception {
        overrides.put(TopicConfig.RETENTION_BYTES, "1500");
        Log log = severalEpochs();
        assertThat(log.segmentCount()).isGreaterThan(4);
        log.applyRetention(T0);
        long start = log.logStartOffset();
        assertThat(start).isGreaterThan(0);
        assertThat(log.leaderEpochs().entries().get(0).startOffset()).isEqualTo(start);
        assertThat(log.endOffsetForEpoch(log.leaderEpochs().entries().get(0).epoch() - 1).endOffset())
                .isEqualTo(start);

        log.deleteRecordsBefore(43, T0);
        assertThat(log.leaderEpochs().entries()).containsExactly(new EpochEntry(4, 43));
        assertThat(log.endOffsetForEpoch(2)).isEqualTo(new EpochEndOffset(2, 43));
        log.close(T0);

        Log reopened = open(false);
        assertThat(reopened.logStartOffset()).isEqualTo(43);
        assertThat(reopened.leaderEpochs().entries()).containsExactly(new EpochEntry(4, 43));
        reopened.close(T0);
    }

    @Test
    void shouldKeepHighestEpochAtLogEndWhenCrashTookBatchesUnderDurableCheckpoint() throws Exception {
        Log log = severalEpochs();
        log.flush(T0);
        log.close(T0);
        // A power loss took the last batches (offsets 44..49) but not the checkpoint.
        Path last = lastSegmentFile();
        long cutAt = positionOfOffset(last, 44);
        try (var channel = java.nio.channels.FileChannel.open(last, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(cutAt);
        }
        Files.writeString(dir.resolve("leader-epoch-checkpoint"), "0\n4\n0 0\n2 20\n4 40\n6 46\n");

        Log recovered = open(false);
        assertThat(recovered.logEndOffset()).isEqualTo(44);
        assertThat(recovered.leaderEpochs().entries()).containsExactly(new EpochEntry(0, 0), new EpochEntry(2, 20),
                new EpochEntry(4, 40), new EpochEntry(6, 44));
        assertThat(recovered.endOffsetForEpoch(4)).isEqualTo(new EpochEndOffset(4, 44));
        recovered.close(T0);
    }

    private long positionOfOffset(Path file, long offset) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        int position = 0;
        while (position < bytes.limit()) {
            BatchHeader header = BatchHeader.read(bytes, position);
            if (header.lastOffset() >= offset) {
                return position;
            }
            position += header.sizeInBytes();
        }
        return position;
    }

    private Path lastSegmentFile() throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SegmentFiles.LOG_SUFFIX)).sorted()
                    .reduce((a, b) -> b).orElseThrow();
        }
    }

    private Log open(boolean cleanShutdown) throws IOException {
        return Log.open(dir, TopicConfig.of(BrokerConfig.of(Map.of()), overrides),
                LogEnvironment.of(FsyncLedger.NONE, CLOSE_NOW, false), cleanShutdown, T0, header -> { });
    }

    /** Appends {@code count} batches of two records in leader epoch {@code epoch}. */
    static void appendBatches(Log log, int count, int epoch) throws IOException {
        for (int i = 0; i < count; i++) {
            long base = log.logEndOffset();
            ByteBuffer bytes = MemoryRecords.withRecords(base, Compression.NONE,
                    new SimpleRecord(T0, ("k" + base).getBytes(StandardCharsets.UTF_8), ("v" + base).getBytes(StandardCharsets.UTF_8)),
                    new SimpleRecord(T0, ("k" + (base + 1)).getBytes(StandardCharsets.UTF_8), "v".repeat(100).getBytes(StandardCharsets.UTF_8)))
                    .buffer();
            bytes.putInt(bytes.position() + BatchHeader.LEADER_EPOCH_OFFSET, epoch);
            log.append(BatchHeader.read(bytes, bytes.position()), bytes, T0);
        }
    }
}
