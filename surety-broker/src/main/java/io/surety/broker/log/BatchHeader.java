package io.surety.broker.log;

import java.nio.ByteBuffer;

/**
 * The fixed 61-byte header of a v2 record batch, as stored in a segment file and sent on the wire.
 *
 * <pre>
 *  offset  size  field
 *   0       8    baseOffset            rewritten by the broker on append
 *   8       4    length                bytes after this field (batch size - 12)
 *  12       4    partitionLeaderEpoch  rewritten by the broker on append
 *  16       1    magic                 always 2
 *  17       4    crc                   CRC32C of bytes 21..end
 *  21       2    attributes            compression(0-2) timestampType(3) transactional(4) control(5)
 *                                        deleteHorizon(6): baseTimestamp holds the delete horizon
 *  23       4    lastOffsetDelta
 *  27       8    baseTimestamp
 *  35       8    maxTimestamp
 *  43       8    producerId
 *  51       2    producerEpoch
 *  53       4    baseSequence
 *  57       4    recordCount
 *  61       -    records
 * </pre>
 *
 * Because the CRC starts at byte 21, rewriting baseOffset and the leader epoch keeps it valid; that is
 * what lets the broker assign offsets without touching a single record. Reading a header is a
 * fixed-layout read of this documented disk format; record contents are only ever decoded through
 * kafka-clients' record classes.
 */
public record BatchHeader(
        long baseOffset,
        int sizeInBytes,
        int partitionLeaderEpoch,
        byte magic,
        short attributes,
        int lastOffsetDelta,
        long baseTimestamp,
        long maxTimestamp,
        long producerId,
        short producerEpoch,
        int baseSequence,
        int recordCount) {

    public static final int SIZE = 61;
    /** Bytes before the length field's value starts counting: baseOffset + length. */
    public static final int LOG_OVERHEAD = 12;
    public static final byte MAGIC_V2 = 2;

    static final int LENGTH_OFFSET = 8;
    static final int LEADER_EPOCH_OFFSET = 12;
    static final int MAGIC_OFFSET = 16;
    static final int CRC_OFFSET = 17;
    static final int ATTRIBUTES_OFFSET = 21;
    static final int LAST_OFFSET_DELTA_OFFSET = 23;

    private static final int TRANSACTIONAL_FLAG = 0x10;
    private static final int CONTROL_FLAG = 0x20;
    private static final int TIMESTAMP_TYPE_FLAG = 0x08;
    private static final int DELETE_HORIZON_FLAG = 0x40;

    /** Reads a header at {@code buffer}'s absolute {@code at}; the buffer must hold at least {@link #SIZE} bytes there. */
    public static BatchHeader read(ByteBuffer buffer, int at) {
        return new BatchHeader(
                buffer.getLong(at),
                buffer.getInt(at + LENGTH_OFFSET) + LOG_OVERHEAD,
                buffer.getInt(at + LEADER_EPOCH_OFFSET),
                buffer.get(at + MAGIC_OFFSET),
                buffer.getShort(at + ATTRIBUTES_OFFSET),
                buffer.getInt(at + LAST_OFFSET_DELTA_OFFSET),
                buffer.getLong(at + 27),
                buffer.getLong(at + 35),
                buffer.getLong(at + 43),
                buffer.getShort(at + 51),
                buffer.getInt(at + 53),
                buffer.getInt(at + 57));
    }

    public long lastOffset() {
        return baseOffset + lastOffsetDelta;
    }

    public long nextOffset() {
        return lastOffset() + 1;
    }

    public boolean isTransactional() {
        return (attributes & TRANSACTIONAL_FLAG) != 0;
    }

    public boolean isControl() {
        return (attributes & CONTROL_FLAG) != 0;
    }

    public boolean isLogAppendTime() {
        return (attributes & TIMESTAMP_TYPE_FLAG) != 0;
    }

    /**
     * The time after which the cleaner may remove this batch's tombstones (and, for a marker whose
     * transaction has no data left, the marker itself), or -1. The cleaner writes it (KIP-534) the
     * first time it rewrites a batch holding such records: now + delete.retention.ms.
     */
    public long deleteHorizonMs() {
        return (attributes & DELETE_HORIZON_FLAG) != 0 ? baseTimestamp : -1;
    }

    public boolean hasProducerId() {
        return producerId >= 0;
    }

    /** Last sequence number of this batch, wrapping at Integer.MAX_VALUE as Kafka does. */
    public int lastSequence() {
        long last = (long) baseSequence + lastOffsetDelta;
        return last > Integer.MAX_VALUE ? (int) (last - Integer.MAX_VALUE - 1) : (int) last;
    }
}
