package io.surety.broker.record;

import io.surety.broker.log.BatchHeader;
import java.nio.ByteBuffer;
import java.util.Iterator;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;

/**
 * Transaction markers: the control batches the transaction coordinator appends to a partition
 * to end a transaction there. Built and read only through kafka-clients' record classes. Stateless.
 *
 * <p>A marker is a v2 batch with the transactional (0x10) and control (0x20) attribute bits set,
 * the producer's id and epoch, no sequence, and one record whose key is {@code version:int16,
 * type:int16} (0 = ABORT, 1 = COMMIT) and whose value is {@code version:int16,
 * coordinatorEpoch:int32}. Consumers never see it as a record: they use it to stop skipping an
 * aborted transaction's data.
 */
public final class ControlBatches {

    /** The coordinator epoch of a single node's markers: its coordinator never changes. */
    public static final int COORDINATOR_EPOCH = 0;

    private ControlBatches() {
    }

    /** What a stored control batch says. */
    public enum Kind {
        COMMIT,
        ABORT,
        /** A control batch of another kind (KRaft, share groups): ignored by producer state. */
        OTHER
    }

    /**
     * A marker batch at {@code baseOffset}, already stamped with its final offset and leader epoch,
     * ready to append, written by the coordinator of {@link #COORDINATOR_EPOCH}. Returns a buffer whose
     * position..limit is exactly the batch.
     */
    public static ByteBuffer marker(long baseOffset, long timestampMs, int leaderEpoch, long producerId,
            short producerEpoch, boolean commit) {
        return marker(baseOffset, timestampMs, leaderEpoch, producerId, producerEpoch, commit, COORDINATOR_EPOCH);
    }

    /** {@link #marker(long, long, int, long, short, boolean)} written by the coordinator of {@code coordinatorEpoch}. */
    public static ByteBuffer marker(long baseOffset, long timestampMs, int leaderEpoch, long producerId,
            short producerEpoch, boolean commit, int coordinatorEpoch) {
        EndTransactionMarker marker = new EndTransactionMarker(commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT,
                coordinatorEpoch);
        return MemoryRecords.withEndTransactionMarker(baseOffset, timestampMs, leaderEpoch, producerId, producerEpoch,
                marker).buffer();
    }

    /** The header of a batch built by {@link #marker}. */
    public static BatchHeader header(ByteBuffer batch) {
        return BatchHeader.read(batch, batch.position());
    }

    /**
     * The coordinator epoch of the stored COMMIT or ABORT marker {@code batch} (whole,
     * position..limit); -1 when it is another kind of control batch or cannot be read.
     */
    public static int coordinatorEpochOf(ByteBuffer batch) {
        try {
            Iterator<? extends RecordBatch> batches = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator();
            if (!batches.hasNext()) {
                return -1;
            }
            Iterator<Record> records = batches.next().iterator();
            return records.hasNext() ? EndTransactionMarker.deserialize(records.next()).coordinatorEpoch() : -1;
        } catch (RuntimeException e) {
            return -1;
        }
    }

    /** Reads what the stored control batch {@code batch} (whole, position..limit) says. */
    public static Kind kindOf(ByteBuffer batch) {
        try {
            Iterator<? extends RecordBatch> batches = MemoryRecords.readableRecords(batch.duplicate()).batches().iterator();
            if (!batches.hasNext()) {
                return Kind.OTHER;
            }
            RecordBatch first = batches.next();
            Iterator<Record> records = first.iterator();
            if (!first.isControlBatch() || !records.hasNext()) {
                return Kind.OTHER;
            }
            Record record = records.next();
            ControlRecordType type = ControlRecordType.parse(record.key());
            if (type == ControlRecordType.COMMIT) {
                return Kind.COMMIT;
            }
            return type == ControlRecordType.ABORT ? Kind.ABORT : Kind.OTHER;
        } catch (RuntimeException e) {
            return Kind.OTHER;
        }
    }
}
