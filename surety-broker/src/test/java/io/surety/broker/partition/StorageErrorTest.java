package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.record.ProducedBatch;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A disk error costs the partition it hits, never another partition and never acknowledged data. */
class StorageErrorTest {

    private static final TopicPartition BROKEN = new TopicPartition("t", 0);
    private static final TopicPartition HEALTHY = new TopicPartition("u", 0);

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();

    private PartitionRegistry registry(FailingDisk brokenDisk) {
        LogEnvironment healthy = LogEnvironment.of(FsyncLedger.NONE, (close, delay) -> close.run(), true);
        LogEnvironment env = brokenDisk == null ? healthy : healthy.withChannels(brokenDisk);
        return new PartitionRegistry(dir, env, clock, tp -> { });
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of("log.dirs", "unused")), Map.of());
    }

    private static ProducedBatch batch(String value) throws Exception {
        return ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(System.currentTimeMillis(), null, value.getBytes())));
    }

    @Test
    void shouldFailOnlyTheFullPartitionAndKeepAcknowledgedDataWhenTheDiskFills() throws Exception {
        FailingDisk disk = new FailingDisk();
        PartitionRegistry registry = registry(disk);
        Partition broken = registry.open(BROKEN, Uuid.randomUuid(), config(), false);
        PartitionRegistry healthyRegistry = registry(null);
        Partition healthy = healthyRegistry.open(HEALTHY, Uuid.randomUuid(), config(), false);
        assertThat(broken.append(batch("acknowledged"), clock.millis()).error()).isEqualTo(Errors.NONE);
        broken.flush(clock.millis());

        disk.fillUp();
        AppendOutcome refused = broken.append(batch("refused"), clock.millis());

        assertThat(refused.error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(refused.message()).contains("No space left on device");
        assertThat(broken.logEndOffset()).isEqualTo(1);
        assertThat(broken.isOffline()).isTrue();
        assertThat(broken.append(batch("later"), clock.millis()).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        assertThat(healthy.append(batch("elsewhere"), clock.millis()).error()).isEqualTo(Errors.NONE);

        registry.closeAll();
        healthyRegistry.closeAll();
        Partition reopened = registry(null).open(BROKEN, Uuid.randomUuid(), config(), false);
        assertThat(reopened.logEndOffset()).isEqualTo(1);
        assertThat(valuesIn(reopened)).containsExactly("acknowledged");
        assertThat(reopened.append(batch("after repair"), clock.millis()).baseOffset()).isEqualTo(1);
    }

    @Test
    void shouldNeverAcknowledgeWhatAFailedFsyncCoveredWhenTheDeviceFails() throws Exception {
        FailingDisk disk = new FailingDisk();
        PartitionRegistry registry = registry(disk);
        Partition partition = registry.open(BROKEN, Uuid.randomUuid(), config(), false);
        GroupCommitFlusher flusher = new GroupCommitFlusher(FlushPolicy.FSYNC, clock, () -> List.of(partition),
                BrokerMetrics.create().fsync());
        Thread thread = new Thread(flusher, "test-flusher");
        thread.start();
        try {
            AppendOutcome first = partition.append(batch("durable"), clock.millis());
            flusher.awaitDurable(partition, first.endOffset()).get();

            disk.breakFsync();
            AppendOutcome second = partition.append(batch("not durable"), clock.millis());
            CompletableFuture<Void> waiting = flusher.awaitDurable(partition, second.endOffset());

            assertThatThrownBy(waiting::get).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(KafkaStorageException.class);
            assertThat(partition.highWatermark()).isEqualTo(1);
            assertThat(partition.append(batch("refused"), clock.millis()).error()).isEqualTo(Errors.KAFKA_STORAGE_ERROR);
        } finally {
            flusher.stop();
            thread.join();
        }
    }

    private static List<String> valuesIn(Partition partition) throws Exception {
        ReadResult read = partition.read(0, 1 << 20, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.slice().channel().read(bytes, read.slice().position());
        bytes.flip();
        return java.util.stream.StreamSupport.stream(MemoryRecords.readableRecords(bytes).records().spliterator(), false)
                .map(r -> new String(toArray(r.value()))).toList();
    }

    private static byte[] toArray(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }
}
