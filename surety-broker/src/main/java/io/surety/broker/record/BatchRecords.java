package io.surety.broker.record;

import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Record-level reads of a stored batch, for the rare requests that need them (ListOffsets by
 * timestamp). Decompresses the batch; never used on the produce or fetch path. Stateless.
 */
public final class BatchRecords {

    private BatchRecords() {
    }

    /** An offset and the timestamp of the record at it. */
    public record TimestampAndOffset(long timestamp, long offset) {
    }

    /** The first record in {@code batchBytes} with a timestamp at or after {@code timestamp}, or null. */
    public static TimestampAndOffset firstAtOrAfter(ByteBuffer batchBytes, long timestamp, long minOffset) {
        for (RecordBatch batch : MemoryRecords.readableRecords(batchBytes).batches()) {
            for (Record record : batch) {
                long ts = batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                        ? batch.maxTimestamp() : record.timestamp();
                if (ts >= timestamp && record.offset() >= minOffset) {
                    return new TimestampAndOffset(ts, record.offset());
                }
            }
        }
        return null;
    }

    /** The record with the largest timestamp in {@code batchBytes} (the first such, by offset). */
    public static TimestampAndOffset maxTimestamp(ByteBuffer batchBytes) {
        TimestampAndOffset best = null;
        for (RecordBatch batch : MemoryRecords.readableRecords(batchBytes).batches()) {
            for (Record record : batch) {
                long ts = batch.timestampType() == org.apache.kafka.common.record.TimestampType.LOG_APPEND_TIME
                        ? batch.maxTimestamp() : record.timestamp();
                if (best == null || ts > best.timestamp()) {
                    best = new TimestampAndOffset(ts, record.offset());
                }
            }
        }
        return best;
    }
}
