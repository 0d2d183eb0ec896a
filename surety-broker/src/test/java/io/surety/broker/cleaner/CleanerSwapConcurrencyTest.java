package io.surety.broker.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.SegmentSwap;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A cleaner swap against a live partition. Appends never wait for the cleaner: while a swap holds
 * the log's structure lock (stopped here in the middle of its renames), the retention check —
 * which runs under the partition lock — and appends behind it go on. A swap that fails after its
 * commit point takes the partition offline, and a restart finishes the swap.
 */
class CleanerSwapConcurrencyTest {

    private static final long T0 = 1_700_000_000_000L;

    @TempDir
    Path dataDir;

    @Test
    void shouldAppendWhileRetentionCheckMeetsSwapInProgress() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
        PartitionRegistry registry = new PartitionRegistry(dataDir,
                LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false), clock, tp -> { });
        TopicConfig config = TopicConfig.of(BrokerConfig.of(Map.of()), Map.of(TopicConfig.CLEANUP_POLICY, "compact",
                TopicConfig.SEGMENT_BYTES, "1024", TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0"));
        Partition partition = registry.open(new TopicPartition("swap-concurrency", 0), Uuid.randomUuid(), config, true);
        for (int i = 0; i < 60; i++) {
            append(partition, "key-" + (i % 4), "value-" + i);
        }

        CountDownLatch inSwap = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        SegmentSwap.Hook stall = step -> {
            if (step == SegmentSwap.Step.SWAP_COMMITTED && inSwap.getCount() > 0) {
                inSwap.countDown();
                try {
                    release.await(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        PartitionCompactionTarget target = new PartitionCompactionTarget(partition);
        CleanableSection section = CleanableSection.of(target, T0);
        CompletableFuture<CleaningReport> pass = CompletableFuture.supplyAsync(() -> {
            try {
                return new CleaningPass(target, new KeyOffsetMap(1 << 20, 0.9), new Throttler(Double.MAX_VALUE), T0, stall)
                        .run(section);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        try {
            assertThat(inSwap.await(30, TimeUnit.SECONDS)).as("the pass reached its swap").isTrue();
            CompletableFuture<AppendOutcome> retentionThenAppend = CompletableFuture.supplyAsync(() -> {
                partition.applyRetention(T0, Long.MAX_VALUE);
                return partition.append(produced("during-swap", "appended"), T0);
            });
            AppendOutcome outcome = retentionThenAppend.get(10, TimeUnit.SECONDS);
            assertThat(outcome.error()).isEqualTo(Errors.NONE);
        } finally {
            release.countDown();
        }
        assertThat(pass.get(30, TimeUnit.SECONDS).completed()).isTrue();
        assertThat(partition.highWatermark()).isEqualTo(61);
        registry.closeAll();
    }

    @Test
    void shouldTakePartitionOfflineWhenSwapFailsAfterItsCommitPoint() throws Exception {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
        LogEnvironment environment = LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false);
        TopicConfig config = TopicConfig.of(BrokerConfig.of(Map.of()), Map.of(TopicConfig.CLEANUP_POLICY, "compact,delete",
                TopicConfig.SEGMENT_BYTES, "1024", TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0",
                TopicConfig.RETENTION_MS, "1"));
        TopicPartition tp = new TopicPartition("swap-failure", 0);
        PartitionRegistry registry = new PartitionRegistry(dataDir, environment, clock, t -> { });
        Partition partition = registry.open(tp, Uuid.randomUuid(), config, true);
        for (int i = 0; i < 60; i++) {
            append(partition, "key-" + (i % 4), "value-" + i);
        }
        long end = partition.logEndOffset();
        SegmentSwap.Hook failAfterCommit = step -> {
            if (step == SegmentSwap.Step.OLD_SEGMENT_DELETED) {
                throw new java.io.IOException("disk gone while deleting an old segment");
            }
        };
        PartitionCompactionTarget target = new PartitionCompactionTarget(partition);
        CleaningPass pass = new CleaningPass(target, new KeyOffsetMap(1 << 20, 0.9), new Throttler(Double.MAX_VALUE), T0,
                failAfterCommit);
        assertThatThrownBy(() -> pass.run(CleanableSection.of(target, T0)))
                .isInstanceOf(SegmentSwap.IncompleteSwapException.class);

        assertThat(partition.isOffline()).isTrue();
        assertThat(partition.append(produced("after", "failure"), T0).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        int segments = partition.log().segmentCount();
        partition.log().applyRetention(T0 + 60_000);
        assertThat(partition.log().segmentCount()).as("nothing is deleted by path any more").isEqualTo(segments);
        partition.log().closeWithoutFlush();

        Partition reopened = new PartitionRegistry(dataDir, environment, clock, t -> { })
                .open(tp, Uuid.randomUuid(), config, false);
        assertThat(reopened.isOffline()).isFalse();
        assertThat(reopened.logEndOffset()).as("the restart finishes the swap and keeps every offset").isEqualTo(end);
        assertThat(reopened.append(produced("after", "restart"), T0).error()).isEqualTo(Errors.NONE);
    }

    private static void append(Partition partition, String key, String value) {
        assertThat(partition.append(produced(key, value), T0).error()).isEqualTo(Errors.NONE);
    }

    private static ProducedBatch produced(String key, String value) {
        try {
            return ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(T0,
                    key.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8))));
        } catch (InvalidBatchException e) {
            throw new IllegalStateException(e);
        }
    }
}
