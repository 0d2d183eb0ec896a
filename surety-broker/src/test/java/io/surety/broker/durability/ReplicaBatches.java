package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.awaitility.Awaitility;

/**
 * The batches of one replica's log as they are on disk: its segment files ({@code <20 digits>.log})
 * read in offset order. Two replicas that hold the same batches at the same offsets with the same
 * leader epochs and CRCs hold the same records. Stateless.
 */
final class ReplicaBatches {

    /** One batch: its offsets, the epoch of the leader that appended it, and its CRC. */
    record Batch(long baseOffset, long lastOffset, int leaderEpoch, long crc) {
    }

    private ReplicaBatches() {
    }

    /**
     * Reads the batches in {@code partitionDir}; an incomplete batch at the end of a segment (a write
     * in progress) ends that segment's list. Read only while nothing is appended to the partition.
     */
    static List<Batch> read(Path partitionDir) throws IOException {
        List<Batch> batches = new ArrayList<>();
        for (Path segment : segmentFiles(partitionDir)) {
            for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment))).batches()) {
                batches.add(new Batch(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                        batch.checksum()));
            }
        }
        return batches;
    }

    /**
     * The replica's log end offset as its segment files in {@code partitionDir} show it: the offset
     * after the last complete batch, or 0 when there is none (a log that starts at 0). May be polled
     * while the replica runs: a batch still being written is not counted yet.
     */
    static long logEndOffset(Path partitionDir) throws IOException {
        List<Batch> batches = read(partitionDir);
        return batches.isEmpty() ? 0 : batches.get(batches.size() - 1).lastOffset() + 1;
    }

    /**
     * The sequence number ({@link SequenceWriter}) each offset of {@code partitionDir} holds on disk,
     * from the complete batches of its segment files. Read only while no process writes there.
     */
    static Map<Long, Long> seqByOffset(Path partitionDir) throws IOException {
        Map<Long, Long> seqs = new HashMap<>();
        for (Path segment : segmentFiles(partitionDir)) {
            for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment))).batches()) {
                for (Record record : batch) {
                    byte[] value = null;
                    if (record.hasValue()) {
                        value = new byte[record.valueSize()];
                        record.value().get(value);
                    }
                    seqs.put(record.offset(), SequenceWriter.decode(value));
                }
            }
        }
        return seqs;
    }

    private static List<Path> segmentFiles(Path partitionDir) throws IOException {
        if (!Files.isDirectory(partitionDir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(partitionDir)) {
            return files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
    }

    /**
     * Waits until every node of {@code cluster} holds the same non-empty batches of
     * {@code partitionDir} (a directory name such as {@code topic-0}); fails after {@code timeout}
     * with the first difference. Call once producers have stopped.
     */
    static void awaitIdentical(ChildCluster cluster, String partitionDir, Duration timeout) {
        Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            int firstNode = cluster.nodeIds().get(0);
            List<Batch> first = read(cluster.node(firstNode).dataDir().resolve(partitionDir));
            assertThat(first).as("batches of %s on node %d", partitionDir, firstNode).isNotEmpty();
            for (int id : cluster.nodeIds()) {
                assertThat(read(cluster.node(id).dataDir().resolve(partitionDir)))
                        .as("batches of %s on node %d against node %d", partitionDir, id, firstNode).isEqualTo(first);
            }
        });
    }
}
