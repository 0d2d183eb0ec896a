package io.surety.broker.record;

import io.surety.broker.log.BatchHeader;
import java.nio.ByteBuffer;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetention;
import org.apache.kafka.common.record.internal.MemoryRecords.RecordFilter.BatchRetentionResult;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The record-level work of log compaction, on one stored batch at a time: reading the keys of a
 * batch, and rewriting a batch without the records the cleaner drops. Everything else about
 * cleaning (which records, which segments, when) is decided by the cleaner; this class only
 * applies its decisions through kafka-clients' record classes. Stateless.
 *
 * <p>Rewriting keeps every kept record's offset, the batch's producer id, epoch, base sequence,
 * transactional flag, leader epoch and compression; a batch whose records are all kept and that
 * needs no delete horizon is copied byte for byte. A batch the cleaner must keep for its producer
 * state but whose records all go is written as an empty batch with the same header fields, so
 * the producer's last sequence survives a rebuild from the log.
 */
public final class CompactionRecords {

    private CompactionRecords() {
    }

    /** Sees each record of a data batch: its offset, its key (null if none; valid during the call) and whether it has a value. */
    @FunctionalInterface
    public interface RecordVisitor {
        void record(long offset, ByteBuffer key, boolean hasValue);
    }

    /** What happens to a batch as a whole, decided before its records are looked at. */
    public enum BatchVerdict {
        /** Drop the batch with all its records. */
        DELETE,
        /** Keep the batch even if no record is kept (its producer's last batch). */
        RETAIN_EMPTY,
        /** Keep the records the rule keeps; drop the batch if none is. */
        DELETE_EMPTY
    }

    /**
     * The decision for one batch: its verdict, and whether it is a transaction marker whose
     * transaction has no data left (so it gets a delete horizon, after which it may go).
     */
    public record BatchDecision(BatchVerdict verdict, boolean markerForEmptyTransaction) {
        public static final BatchDecision DROP = new BatchDecision(BatchVerdict.DELETE, false);
        public static final BatchDecision KEEP_RECORDS = new BatchDecision(BatchVerdict.DELETE_EMPTY, false);
        public static final BatchDecision KEEP_HEADER = new BatchDecision(BatchVerdict.RETAIN_EMPTY, false);
    }

    /** Which records of a data batch to keep. */
    @FunctionalInterface
    public interface RecordRule {
        /**
         * @param key             the record's key, null if it has none
         * @param hasValue        false for a tombstone
         * @param deletesExpired  whether the batch's delete horizon has passed, so its tombstones may go
         */
        boolean keep(long offset, ByteBuffer key, boolean hasValue, boolean deletesExpired);
    }

    /** Visits every record of the stored data batch {@code batch} (whole, position..limit), decompressing it if needed. */
    public static void forEachRecord(ByteBuffer batch, RecordVisitor visitor) {
        for (RecordBatch recordBatch : MemoryRecords.readableRecords(batch.duplicate()).batches()) {
            try (CloseableIterator<Record> records = recordBatch.streamingIterator(BufferSupplier.NO_CACHING)) {
                while (records.hasNext()) {
                    Record record = records.next();
                    visitor.record(record.offset(), record.hasKey() ? record.key() : null, record.hasValue());
                }
            }
        }
    }

    /**
     * Writes what is kept of the stored batch {@code batch} (whole, position..limit) into {@code out}
     * from its position on, and returns the buffer written to: {@code out}, or a larger one when it
     * did not fit (its position is then the end of what was written). A retained batch holding
     * tombstones, or a marker of an empty transaction, without a delete horizon gets one:
     * {@code nowMs + deleteRetentionMs}.
     */
    public static ByteBuffer filter(ByteBuffer batch, BatchDecision decision, RecordRule rule, long nowMs,
            long deleteRetentionMs, ByteBuffer out) {
        RecordFilter filter = new RecordFilter(nowMs, deleteRetentionMs) {
            @Override
            protected BatchRetentionResult checkBatchRetention(RecordBatch recordBatch) {
                BatchRetention retention = switch (decision.verdict()) {
                    case DELETE -> BatchRetention.DELETE;
                    case RETAIN_EMPTY -> BatchRetention.RETAIN_EMPTY;
                    case DELETE_EMPTY -> BatchRetention.DELETE_EMPTY;
                };
                return new BatchRetentionResult(retention, decision.markerForEmptyTransaction());
            }

            @Override
            protected boolean shouldRetainRecord(RecordBatch recordBatch, Record record) {
                if (recordBatch.isControlBatch()) {
                    return true;
                }
                boolean expired = recordBatch.deleteHorizonMs().isPresent()
                        && nowMs >= recordBatch.deleteHorizonMs().getAsLong();
                return rule.keep(record.offset(), record.hasKey() ? record.key() : null, record.hasValue(), expired);
            }
        };
        int start = out.position();
        ByteBuffer destination = out.slice();
        MemoryRecords.FilterResult result = MemoryRecords.readableRecords(batch.duplicate())
                .filterTo(filter, destination, BufferSupplier.NO_CACHING);
        ByteBuffer written = result.outputBuffer();
        if (written == destination) {
            out.position(start + written.position());
            return out;
        }
        ByteBuffer grown = ByteBuffer.allocate(Math.max(out.capacity() * 2, start + written.position()));
        grown.put(out.duplicate().flip());
        grown.put(written.flip());
        return grown;
    }

    /** The header of a stored batch (whole, position..limit): the same fixed layout the log reads. */
    public static BatchHeader header(ByteBuffer batch) {
        return BatchHeader.read(batch, batch.position());
    }
}
