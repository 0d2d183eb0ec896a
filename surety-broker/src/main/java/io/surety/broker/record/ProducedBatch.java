package io.surety.broker.record;

import io.surety.broker.log.BatchHeader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.BaseRecords;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MutableRecordBatch;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.utils.BufferSupplier;
import org.apache.kafka.common.utils.CloseableIterator;

/**
 * The one record batch of a produce request's partition, checked as Kafka checks it and then
 * stamped with its offsets. This class and {@link BatchRecords} are the only places that touch
 * kafka-clients' record classes, which move between releases.
 *
 * <p>Checks, in Kafka's order: structure, CRC32C over the batch (which covers every record byte),
 * offset-range consistency, no control batches from clients, and one pass over the records
 * (decompressing if needed, skipping keys and values) proving they fill the batch exactly. The CRC
 * only shows the bytes are the ones the client wrote; the record pass shows a consumer can read
 * them, as Kafka's {@code LogValidator} does, so one bad client cannot poison a partition.
 *
 * <p>Not thread-safe: owned by the request being handled. The bytes are the request's own.
 */
public final class ProducedBatch {

    private final MutableRecordBatch batch;
    private final ByteBuffer bytes;

    private ProducedBatch(MutableRecordBatch batch, ByteBuffer bytes) {
        this.batch = batch;
        this.bytes = bytes;
    }

    /**
     * Parses and validates the records of one partition of a produce request.
     *
     * @throws InvalidBatchException with the Kafka error to return when the batch is refused
     */
    public static ProducedBatch parse(BaseRecords records) throws InvalidBatchException {
        return parse(records, null);
    }

    /**
     * As {@link #parse(BaseRecords)}, for a compacted topic when {@code compactedPartition} is not
     * null: every record must then have a key (the cleaner keeps the last record per key, so a
     * keyless one could never be kept correctly), checked in the same record walk, as Kafka does.
     */
    public static ProducedBatch parse(BaseRecords records, String compactedPartition) throws InvalidBatchException {
        if (!(records instanceof MemoryRecords memory)) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Produce records are not in memory");
        }
        ByteBuffer buffer = memory.buffer();
        if (buffer.remaining() < BatchHeader.SIZE) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT,
                    "Record batch of " + buffer.remaining() + " bytes is shorter than a batch header");
        }
        int magic = buffer.get(buffer.position() + 16);
        if (magic != RecordBatch.MAGIC_VALUE_V2) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Record batch magic " + magic + " is not supported; produce requests v3+ carry magic 2");
        }
        int declared = buffer.getInt(buffer.position() + 8) + BatchHeader.LOG_OVERHEAD;
        if (declared != buffer.remaining()) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, declared < buffer.remaining()
                    ? "Produce request v3+ must carry exactly one record batch per partition"
                    : "Record batch declares " + declared + " bytes but " + buffer.remaining() + " arrived");
        }
        Iterator<MutableRecordBatch> batches = memory.batches().iterator();
        MutableRecordBatch batch = batches.next();
        if (!batch.isValid()) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Record batch CRC does not match");
        }
        if (batch.isControlBatch()) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Clients may not write control batches");
        }
        Integer count = batch.countOrNull();
        if (count == null || count <= 0 || batch.lastOffset() - batch.baseOffset() + 1 != count) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Record batch offset range does not match its record count " + count);
        }
        if (batch.hasProducerId() && batch.baseSequence() < 0) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Record batch of producer " + batch.producerId() + " has no sequence number");
        }
        checkRecordsReadable(batch, compactedPartition);
        return new ProducedBatch(batch, buffer);
    }

    /**
     * Walks every record header: kafka-clients' iterator fails on a short, long or garbled record
     * area, and each record's offset delta must count up from 0, or consumers would see offsets the
     * batch header does not cover, or the same offset twice. With {@code compactedPartition} set,
     * a record without a key is refused too (its index goes to the record errors).
     */
    private static void checkRecordsReadable(MutableRecordBatch batch, String compactedPartition)
            throws InvalidBatchException {
        List<InvalidBatchException.RecordError> keyless = null;
        try (CloseableIterator<Record> records = batch.skipKeyValueIterator(BufferSupplier.NO_CACHING)) {
            long expectedOffset = batch.baseOffset();
            while (records.hasNext()) {
                Record record = records.next();
                long offset = record.offset();
                if (compactedPartition != null && !record.hasKey()) {
                    if (keyless == null) {
                        keyless = new ArrayList<>();
                    }
                    keyless.add(new InvalidBatchException.RecordError((int) (offset - batch.baseOffset()),
                            "Compacted topic cannot accept message without key in topic partition "
                                    + compactedPartition + "."));
                }
                if (offset != expectedOffset) {
                    throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "Record offset delta "
                            + (offset - batch.baseOffset()) + " where " + (expectedOffset - batch.baseOffset())
                            + " was expected: offsets inside a batch must count up from 0");
                }
                expectedOffset++;
            }
        } catch (InvalidRecordException e) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD,
                    "Records do not match their batch: " + e.getMessage());
        } catch (RuntimeException e) {
            throw new InvalidBatchException(InvalidBatchException.Reason.CORRUPT, "Records are unreadable: " + e);
        }
        if (keyless != null) {
            throw new InvalidBatchException(InvalidBatchException.Reason.INVALID_RECORD, "One or more records have been "
                    + "rejected due to " + keyless.size() + " record errors in total: the first is: "
                    + keyless.get(0).message(), keyless);
        }
    }

    public int sizeInBytes() {
        return bytes.remaining();
    }

    public int recordCount() {
        return (int) (batch.lastOffset() - batch.baseOffset() + 1);
    }

    public long producerId() {
        return batch.producerId();
    }

    public short producerEpoch() {
        return batch.producerEpoch();
    }

    public int baseSequence() {
        return batch.baseSequence();
    }

    public int lastSequence() {
        return batch.lastSequence();
    }

    public boolean hasProducerId() {
        return batch.hasProducerId();
    }

    public boolean isTransactional() {
        return batch.isTransactional();
    }

    public long maxTimestamp() {
        return batch.maxTimestamp();
    }

    public long baseTimestamp() {
        return bytes.getLong(bytes.position() + 27);
    }

    public boolean isCompressed() {
        return batch.compressionType() != CompressionType.NONE;
    }

    /**
     * Writes the batch's final offsets and leader epoch into its header and, for LogAppendTime
     * topics, the append time (which recomputes the CRC). Returns the stamped header and leaves the
     * bytes ready to append.
     */
    public BatchHeader stamp(long baseOffset, int leaderEpoch, long logAppendTimeMs) {
        batch.setLastOffset(baseOffset + recordCount() - 1);
        batch.setPartitionLeaderEpoch(leaderEpoch);
        if (logAppendTimeMs >= 0) {
            batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, logAppendTimeMs);
        }
        return BatchHeader.read(bytes, bytes.position());
    }

    /** The batch bytes; position..limit is exactly the batch. */
    public ByteBuffer bytes() {
        return bytes;
    }
}
