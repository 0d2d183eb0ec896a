package io.surety.broker.durability;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;

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
        List<Path> segments;
        try (Stream<Path> files = Files.list(partitionDir)) {
            segments = files.filter(f -> f.getFileName().toString().matches("\\d{20}\\.log")).sorted().toList();
        }
        for (Path segment : segments) {
            for (RecordBatch batch : MemoryRecords.readableRecords(ByteBuffer.wrap(Files.readAllBytes(segment))).batches()) {
                batches.add(new Batch(batch.baseOffset(), batch.lastOffset(), batch.partitionLeaderEpoch(),
                        batch.checksum()));
            }
        }
        return batches;
    }
}
