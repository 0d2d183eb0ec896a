package io.surety.broker.partition;

import io.surety.broker.log.BatchHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * The batches of a fetch response's records as a follower appends them: whole v2 batches, each
 * with a valid CRC, the first starting at the follower's log end and each next one where the
 * previous ended. A partial batch at the end (a fetch may cut the last one, KIP-74) is left for the
 * next fetch. Bytes from the network are hostile: every length is bounded by the buffer, and one
 * bad batch refuses them all, before anything is appended.
 */
final class FollowerBatches {

    /** One batch: its header and its bytes (a slice of the response's buffer). */
    record Batch(BatchHeader header, ByteBuffer bytes) {
    }

    /** The batches to append, or why none may be. */
    record Parsed(List<Batch> batches, String problem) {
    }

    private FollowerBatches() {
    }

    /**
     * Splits {@code records} (position..limit; not consumed) into batches to append at
     * {@code logEndOffset}, or names the problem.
     */
    static Parsed parse(ByteBuffer records, long logEndOffset) {
        ByteBuffer buffer = records.slice();
        List<Batch> batches = new ArrayList<>();
        long expected = logEndOffset;
        int position = 0;
        try {
            for (MutableRecordBatch batch : MemoryRecords.readableRecords(buffer.duplicate()).batches()) {
                int size = batch.sizeInBytes();
                if (batch.magic() != RecordBatch.MAGIC_VALUE_V2 || size < BatchHeader.SIZE) {
                    return refused("batch at offset " + batch.baseOffset() + " has magic " + batch.magic());
                }
                if (!batch.isValid()) {
                    return refused("batch at offset " + batch.baseOffset() + " fails its CRC check");
                }
                BatchHeader header = BatchHeader.read(buffer, position);
                if (header.baseOffset() != expected || header.lastOffsetDelta() < 0) {
                    return refused("batch at offset " + header.baseOffset() + " (last " + header.lastOffset()
                            + ") does not start at the expected offset " + expected);
                }
                batches.add(new Batch(header, buffer.duplicate().position(position).limit(position + size).slice()));
                expected = header.nextOffset();
                position += size;
            }
        } catch (KafkaException e) {
            return refused("records are malformed at byte " + position + ": " + e.getMessage());
        }
        return new Parsed(batches, null);
    }

    private static Parsed refused(String problem) {
        return new Parsed(List.of(), problem);
    }
}
