package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A leader refuses a marker whose coordinator epoch is older than the newest it took for that
 * producer (TRANSACTION_COORDINATOR_FENCED, nothing appended), takes the same or a newer epoch, and
 * writes the coordinator epoch into the marker's control record, from which the epochs are
 * rebuilt at start.
 */
class MarkerFencingTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("events", 0);

    @TempDir
    Path dataDir;

    @Test
    void shouldFenceMarkersOfAnOlderCoordinatorEpoch() throws Exception {
        PartitionRegistry registry = new PartitionRegistry(dataDir,
                LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
        Partition partition = registry.open(TP, Uuid.randomUuid(), TopicConfig.of(BrokerConfig.of(Map.of()), Map.of()),
                true);

        assertThat(partition.appendMarker(7L, (short) 0, false, 5, T0).error()).isEqualTo(Errors.NONE);
        long end = partition.logEndOffset();
        AppendOutcome stale = partition.appendMarker(7L, (short) 0, true, 4, T0);
        assertThat(stale.error()).isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(partition.logEndOffset()).isEqualTo(end);
        assertThat(partition.appendMarker(8L, (short) 0, true, 0, T0).error()).as("another producer").isEqualTo(Errors.NONE);
        assertThat(partition.appendMarker(7L, (short) 0, true, 5, T0).error()).isEqualTo(Errors.NONE);
        assertThat(partition.appendMarker(7L, (short) 0, false, 6, T0).error()).isEqualTo(Errors.NONE);

        assertThat(coordinatorEpochs(partition)).containsExactly(5, 0, 5, 6);
        registry.closeAll();
    }

    @Test
    void shouldRebuildTheCoordinatorEpochsFromTheMarkersInTheLog() throws Exception {
        PartitionRegistry registry = registry();
        Uuid id = Uuid.randomUuid();
        Partition partition = registry.open(TP, id, config(), true);
        assertThat(partition.appendMarker(7L, (short) 0, true, 6, T0).error()).isEqualTo(Errors.NONE);
        registry.closeAll();

        PartitionRegistry restarted = registry();
        Partition reopened = restarted.open(TP, id, config(), false);

        assertThat(reopened.appendMarker(7L, (short) 0, true, 5, T0).error())
                .isEqualTo(Errors.TRANSACTION_COORDINATOR_FENCED);
        assertThat(reopened.appendMarker(7L, (short) 0, true, 6, T0).error()).isEqualTo(Errors.NONE);
        assertThat(reopened.producerSnapshot()).singleElement()
                .satisfies(producer -> assertThat(producer.coordinatorEpoch()).isEqualTo(6));
        restarted.closeAll();
    }

    private PartitionRegistry registry() {
        return new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
    }

    private static List<Integer> coordinatorEpochs(Partition partition) throws Exception {
        ReadResult read = partition.read(0, Integer.MAX_VALUE, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.slice().channel().read(bytes, read.slice().position());
        bytes.flip();
        List<Integer> epochs = new ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            Record record = batch.iterator().next();
            epochs.add(EndTransactionMarker.deserialize(record).coordinatorEpoch());
        }
        return epochs;
    }
}
