package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import io.surety.broker.record.ProducedBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica of a cluster that opens with records beyond what the cluster committed: its high
 * watermark comes from the node's checkpoint (clamped to the log), or is its log start, never its
 * log end; as leader it lets consumers read further only as a follower copies; alone it shows its
 * durable end. A single node is unchanged: its high watermark is its log end, and it writes no
 * checkpoint. Every log here holds five one-record batches (offsets 0 to 4) written by a first run.
 */
class HighWatermarkRestoreTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final Uuid ID = Uuid.randomUuid();
    private static final IsrSettings MIN_ISR_ONE = new IsrSettings(1, 10_000);

    @TempDir
    Path dir;

    private final AtomicInteger fileWrites = new AtomicInteger();

    @Test
    void shouldStartAtTheCheckpointedHighWatermarkNotAtTheLogEndWhenAReplicaOpens() throws Exception {
        writeFiveBatches(0);
        checkpoint("0\n1\nevents 0 3\n");

        Partition replica = clusterRegistry(false).open(TP, ID, config(), true, false);

        assertThat(replica.logEndOffset()).isEqualTo(5);
        assertThat(replica.highWatermark()).isEqualTo(3);
        assertThat(visibleOffsets(replica)).as("what a consumer reads").containsExactly(0L, 1L, 2L);
        replica.replication().becomeFollower(2, 7);
        assertThat(replica.highWatermark()).as("a follower waits for its leader's").isEqualTo(3);
    }

    @Test
    void shouldStartAtTheLogStartWhenTheCheckpointHasNoEntryOrIsGarbled() throws Exception {
        writeFiveBatches(2);
        checkpoint("0\n1\norders 0 3\n");
        assertThat(openedHighWatermark()).isEqualTo(2);

        checkpoint("0\n2\nevents 0 3\n");
        assertThat(openedHighWatermark()).isEqualTo(2);

        Files.delete(dir.resolve(HighWatermarkCheckpoint.FILE_NAME));
        PartitionRegistry registry = clusterRegistry(false);
        Partition replica = registry.open(TP, ID, config(), true, false);
        assertThat(replica.highWatermark()).isEqualTo(2);
        assertThat(replica.logEndOffset()).as("nothing is deleted because of the checkpoint").isEqualTo(5);
        registry.closeAll();
    }

    @Test
    void shouldClampTheCheckpointedValueToTheLogWhenItLiesOutside() throws Exception {
        writeFiveBatches(2);
        checkpoint("0\n1\nevents 0 99\n");
        assertThat(openedHighWatermark()).isEqualTo(5);

        checkpoint("0\n1\nevents 0 1\n");
        assertThat(openedHighWatermark()).isEqualTo(2);
    }

    @Test
    void shouldShowConsumersTheUncommittedTailOnlyAsAFollowerCopiesItWhenTheReplicaLeadsAgain() throws Exception {
        writeFiveBatches(0);
        checkpoint("0\n1\nevents 0 3\n");
        Partition replica = clusterRegistry(false).open(TP, ID, config(), true, false);
        Replication leader = replica.replication();

        assertThat(leader.becomeLeader(new LeaderAndIsr(1, 4, 9, List.of(1, 2), List.of(1, 2)), MIN_ISR_ONE,
                IsrEligibility.ANY, T0)).isTrue();
        assertThat(replica.highWatermark()).as("follower 2's position is unknown").isEqualTo(3);
        assertThat(visibleOffsets(replica)).containsExactly(0L, 1L, 2L);

        leader.updateFollowerFetchState(2, -1, 4, 0, T0);
        assertThat(visibleOffsets(replica)).containsExactly(0L, 1L, 2L, 3L);
        leader.updateFollowerFetchState(2, -1, 5, 0, T0);
        assertThat(replica.highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldShowItsDurableEndAtOnceWhenTheReplicaIsTheOnlyOne() throws Exception {
        writeFiveBatches(0);
        checkpoint("0\n1\nevents 0 3\n");
        Partition replica = clusterRegistry(true).open(TP, ID, config(), true, false);
        assertThat(replica.highWatermark()).isEqualTo(3);

        replica.replication().becomeLeader(new LeaderAndIsr(1, 4, 9, List.of(1), List.of(1)), MIN_ISR_ONE,
                IsrEligibility.ANY, T0);

        assertThat(replica.highWatermark()).isEqualTo(5);
    }

    @Test
    void shouldCheckpointEveryReplicaInOneFileOnlyWhenAHighWatermarkMovedAndAtClose() throws Exception {
        writeFiveBatches(0);
        checkpoint("0\n1\nevents 0 3\n");
        PartitionRegistry registry = clusterRegistry(false);
        Partition replica = registry.open(TP, ID, config(), true, false);
        registry.checkpointHighWatermarks();
        assertThat(fileWrites).as("the file already says what the replica says").hasValue(0);

        registry.open(new TopicPartition("orders", 3), ID, config(), true, false).replication().becomeFollower(2, 1);
        replica.replication().becomeLeader(new LeaderAndIsr(1, 4, 9, List.of(1, 2), List.of(1, 2)), MIN_ISR_ONE,
                IsrEligibility.ANY, T0);
        replica.replication().updateFollowerFetchState(2, -1, 5, 0, T0);
        registry.checkpointHighWatermarks();
        registry.checkpointHighWatermarks();

        assertThat(fileWrites).hasValue(1);
        assertThat(Files.readString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME)))
                .isEqualTo("0\n2\nevents 0 5\norders 3 0\n");
        registry.closeAll();
        assertThat(fileWrites).as("nothing moved since").hasValue(1);
    }

    @Test
    void shouldKeepTheLogEndAsHighWatermarkAndWriteNoCheckpointWhenOnASingleNode() throws Exception {
        writeFiveBatches(0);
        assertThat(dir.resolve(HighWatermarkCheckpoint.FILE_NAME)).doesNotExist();
        checkpoint("0\n1\nevents 0 3\n");

        PartitionRegistry single = new PartitionRegistry(dir, environment(false), clock(), tp -> { });
        Partition partition = single.open(TP, ID, config(), true);
        assertThat(partition.highWatermark()).isEqualTo(5);
        single.checkpointHighWatermarks();
        single.closeAll();

        assertThat(Files.readString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME))).isEqualTo("0\n1\nevents 0 3\n");
    }

    /** A first run on a single node: five one-record batches, records before {@code logStart} deleted. */
    private void writeFiveBatches(long logStart) throws Exception {
        PartitionRegistry first = new PartitionRegistry(dir, environment(false), clock(), tp -> { });
        Partition partition = first.open(TP, ID, config(), true);
        for (int i = 0; i < 5; i++) {
            partition.append(ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE,
                    new SimpleRecord(T0, null, ("v" + i).getBytes(StandardCharsets.UTF_8)))), T0);
        }
        if (logStart > 0) {
            partition.deleteRecordsBefore(logStart, T0);
        }
        first.closeAll();
    }

    /** The high watermark the replica opens with in a cluster (the registry is closed again). */
    private long openedHighWatermark() throws Exception {
        PartitionRegistry registry = clusterRegistry(false);
        long highWatermark = registry.open(TP, ID, config(), true, false).highWatermark();
        registry.closeAll();
        return highWatermark;
    }

    private void checkpoint(String text) throws Exception {
        Files.writeString(dir.resolve(HighWatermarkCheckpoint.FILE_NAME), text);
    }

    private PartitionRegistry clusterRegistry(boolean visibleOnFlush) {
        FsyncLedger counting = (file, length) -> {
            if (file.getFileName().toString().equals(HighWatermarkCheckpoint.FILE_NAME)) {
                fileWrites.incrementAndGet();
            }
        };
        return new PartitionRegistry(dir, environment(visibleOnFlush), clock(), tp -> { },
                Optional.of(HighWatermarkStore.load(dir, counting)));
    }

    private static LogEnvironment environment(boolean visibleOnFlush) {
        return LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), visibleOnFlush);
    }

    private static Clock clock() {
        return Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
    }

    /** The offsets a consumer's read from the log start returns. */
    private static List<Long> visibleOffsets(Partition partition) throws Exception {
        ReadResult read = partition.read(partition.logStartOffset(), Integer.MAX_VALUE, true);
        if (read.slice() == null) {
            return List.of();
        }
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        read.slice().channel().read(bytes, read.slice().position());
        bytes.flip();
        List<Long> offsets = new java.util.ArrayList<>();
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            offsets.add(batch.baseOffset());
        }
        return offsets;
    }
}
