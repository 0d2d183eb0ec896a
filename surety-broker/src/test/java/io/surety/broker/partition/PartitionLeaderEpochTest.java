package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LeaderEpochCache.EpochEndOffset;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import io.surety.broker.record.ProducedBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The single node's leader epoch: a new partition leads in epoch 0, every start (clean or not)
 * leads in a new epoch starting at the log end, every batch and marker carries the epoch it was
 * written in, and OffsetForLeaderEpoch ends each epoch where the next start began.
 */
class PartitionLeaderEpochTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final Uuid ID = Uuid.randomUuid();

    @TempDir
    Path dataDir;

    @Test
    void shouldLeadInNewEpochAtEveryStartAndStampItOnBatches() throws Exception {
        PartitionRegistry first = registry();
        Partition partition = first.open(TP, ID, config(), true);
        assertThat(partition.leaderEpoch()).isZero();
        produce(partition, 3);
        first.closeAll();

        PartitionRegistry second = registry();
        Partition restarted = second.open(TP, ID, config(), true);
        assertThat(restarted.leaderEpoch()).isEqualTo(1);
        produce(restarted, 2);
        assertThat(restarted.endOffsetForEpoch(0)).isEqualTo(new EpochEndOffset(0, 3));
        assertThat(restarted.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 5));
        restarted.appendMarker(7L, (short) 0, true, T0);
        // A crash: no close, no clean-shutdown marker.
        Partition crashed = registry().open(TP, ID, config(), false);
        assertThat(crashed.leaderEpoch()).isEqualTo(2);
        assertThat(crashed.endOffsetForEpoch(1)).isEqualTo(new EpochEndOffset(1, 6));
        assertThat(crashed.epochForOffset(2)).isZero();
        assertThat(crashed.epochForOffset(4)).isEqualTo(1);
        assertThat(crashed.epochForOffset(6)).isEqualTo(2);

        ReadResult read = crashed.read(0, Integer.MAX_VALUE, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.slice().channel().read(bytes, read.slice().position());
        bytes.flip();
        int[] expected = {0, 0, 0, 1, 1, 1};
        int i = 0;
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            assertThat(batch.partitionLeaderEpoch()).as("batch at %d", batch.baseOffset()).isEqualTo(expected[i++]);
        }
        assertThat(i).isEqualTo(6);
        second.closeAll();
    }

    @Test
    void shouldNotReuseEpochWhenRestartingWithoutAppends() throws Exception {
        for (int start = 0; start < 4; start++) {
            PartitionRegistry registry = registry();
            Partition partition = registry.open(TP, ID, config(), start % 2 == 0);
            assertThat(partition.leaderEpoch()).isEqualTo(start);
            assertThat(partition.endOffsetForEpoch(start)).isEqualTo(new EpochEndOffset(start, 0));
            registry.closeAll();
        }
    }

    private PartitionRegistry registry() {
        return new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
    }

    private static void produce(Partition partition, int batches) throws Exception {
        for (int i = 0; i < batches; i++) {
            ProducedBatch batch = ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8))));
            assertThat(partition.append(batch, T0).error()).isEqualTo(org.apache.kafka.common.protocol.Errors.NONE);
        }
    }
}
