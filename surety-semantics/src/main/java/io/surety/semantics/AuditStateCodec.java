package io.surety.semantics;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.zip.CRC32C;
import org.apache.kafka.common.TopicPartition;

/**
 * The byte form of a {@link DeliveryAudit}'s state, for {@link DeliveryAudit#exportState()} and
 * {@link DeliveryAudit#restore(byte[])}. All integers are big-endian.
 *
 * <pre>
 * offset  size  field
 *      0     4  magic 0x53554144 ("SUAD")
 *      4     2  version = 1
 *      6     1  start policy: 1 = every source from sequence 0, 0 = from the first sequence read
 *      7     8  unstamped records
 *     15     8  malformed records
 *     23     4  source count S
 *        S times:
 *              2  source id length L (1..1024), then L bytes of UTF-8
 *              8  first expected sequence, or -1 if not yet known
 *              1  1 if the first expected sequence was given, 0 if the first record read set it
 *              4  range count R, then R times: 8 from, 8 to (inclusive), ascending, disjoint,
 *                 not touching: the sequences read
 *              4  partition count P, then P times:
 *                    2  topic length T (1..32767), then T bytes of UTF-8
 *                    4  partition (>= 0)
 *                    8  received, 8 duplicates, 8 reordered, 8 highest sequence (-1 if none)
 *   end        4  CRC-32C of every byte before it
 * </pre>
 *
 * <p>The highest sequence and the gap count are not stored: they follow from the ranges and the
 * first expected sequence. The state is written in one piece by the caller (to a file, a compacted
 * topic, an offset commit's metadata); a torn or altered copy fails the CRC and is refused whole,
 * never half-restored.
 *
 * <p>Stateless.
 */
final class AuditStateCodec {

    static final int MAGIC = 0x53554144;
    static final short VERSION = 1;
    private static final int MAX_TOPIC_BYTES = Short.MAX_VALUE;
    private static final int RANGE_BYTES = 16;
    private static final int MIN_PARTITION_BYTES = 2 + 1 + 4 + 32;
    private static final int MIN_SOURCE_BYTES = 2 + 1 + 8 + 1 + 4 + 4;

    private AuditStateCodec() {
    }

    /** The decoded state. */
    record Decoded(boolean fromZero, List<SourceTally> sources, long unstamped, long malformed) {
    }

    static byte[] encode(boolean fromZero, Collection<SourceTally> sources, long unstamped, long malformed) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(MAGIC);
            out.writeShort(VERSION);
            out.writeByte(fromZero ? 1 : 0);
            out.writeLong(unstamped);
            out.writeLong(malformed);
            out.writeInt(sources.size());
            for (SourceTally source : sources) {
                writeText(out, source.id);
                out.writeLong(source.low);
                out.writeByte(source.lowGiven ? 1 : 0);
                out.writeInt(source.seen.rangeCount());
                IOException[] failure = new IOException[1];
                source.seen.forEachRange((from, to) -> {
                    try {
                        out.writeLong(from);
                        out.writeLong(to);
                    } catch (IOException e) {
                        failure[0] = e;
                    }
                });
                if (failure[0] != null) {
                    throw failure[0];
                }
                out.writeInt(source.partitions.size());
                for (var entry : source.partitions.entrySet()) {
                    writeText(out, entry.getKey().topic());
                    out.writeInt(entry.getKey().partition());
                    out.writeLong(entry.getValue().received);
                    out.writeLong(entry.getValue().duplicates);
                    out.writeLong(entry.getValue().reordered);
                    out.writeLong(entry.getValue().highest);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing to memory cannot fail", e);
        }
        byte[] body = bytes.toByteArray();
        CRC32C crc = new CRC32C();
        crc.update(body);
        return ByteBuffer.allocate(body.length + 4).put(body).putInt((int) crc.getValue()).array();
    }

    /**
     * @throws IllegalArgumentException if {@code state} is not one complete, intact state
     */
    static Decoded decode(byte[] state) {
        if (state.length < 4 + 2 + 1 + 8 + 8 + 4 + 4) {
            throw corrupt("too short (" + state.length + " bytes)");
        }
        CRC32C crc = new CRC32C();
        crc.update(state, 0, state.length - 4);
        ByteBuffer in = ByteBuffer.wrap(state, 0, state.length - 4);
        if ((int) crc.getValue() != ByteBuffer.wrap(state, state.length - 4, 4).getInt()) {
            throw corrupt("checksum mismatch");
        }
        try {
            if (in.getInt() != MAGIC) {
                throw corrupt("not an audit state");
            }
            short version = in.getShort();
            if (version != VERSION) {
                throw corrupt("unknown version " + version);
            }
            boolean fromZero = flag(in);
            long unstamped = nonNegative(in.getLong(), "unstamped count");
            long malformed = nonNegative(in.getLong(), "malformed count");
            int sourceCount = count(in, MIN_SOURCE_BYTES, "source");
            List<SourceTally> sources = new ArrayList<>(sourceCount);
            for (int i = 0; i < sourceCount; i++) {
                sources.add(readSource(in));
            }
            if (in.hasRemaining()) {
                throw corrupt(in.remaining() + " bytes left over");
            }
            return new Decoded(fromZero, sources, unstamped, malformed);
        } catch (BufferUnderflowException e) {
            throw corrupt("truncated");
        }
    }

    private static SourceTally readSource(ByteBuffer in) {
        String id = readText(in, AuditStamper.MAX_SOURCE_ID_BYTES, "source id");
        long low = in.getLong();
        if (low < -1) {
            throw corrupt("first expected sequence " + low);
        }
        SourceTally source = new SourceTally(id, low, flag(in));
        int rangeCount = count(in, RANGE_BYTES, "range");
        for (int r = 0; r < rangeCount; r++) {
            long from = nonNegative(in.getLong(), "range start");
            long to = in.getLong();
            try {
                source.seen.addRange(from, to);
            } catch (IllegalArgumentException e) {
                throw corrupt(e.getMessage());
            }
        }
        int partitionCount = count(in, MIN_PARTITION_BYTES, "partition");
        for (int p = 0; p < partitionCount; p++) {
            String topic = readText(in, MAX_TOPIC_BYTES, "topic");
            int partition = (int) nonNegative(in.getInt(), "partition");
            SourceTally.PartitionTally tally = new SourceTally.PartitionTally();
            tally.received = nonNegative(in.getLong(), "received");
            tally.duplicates = nonNegative(in.getLong(), "duplicates");
            tally.reordered = nonNegative(in.getLong(), "reordered");
            tally.highest = in.getLong();
            if (source.partitions.put(new TopicPartition(topic, partition), tally) != null) {
                throw corrupt("partition " + topic + "-" + partition + " twice");
            }
        }
        source.recount();
        return source;
    }

    private static void writeText(DataOutputStream out, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        out.writeShort(bytes.length);
        out.write(bytes);
    }

    private static String readText(ByteBuffer in, int maxBytes, String what) {
        int length = Short.toUnsignedInt(in.getShort());
        if (length < 1 || length > maxBytes || length > in.remaining()) {
            throw corrupt(what + " length " + length);
        }
        byte[] bytes = new byte[length];
        in.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static int count(ByteBuffer in, int minEntryBytes, String what) {
        int count = in.getInt();
        if (count < 0 || (long) count * minEntryBytes > in.remaining()) {
            throw corrupt(what + " count " + count + " does not fit in " + in.remaining() + " bytes");
        }
        return count;
    }

    private static boolean flag(ByteBuffer in) {
        byte b = in.get();
        if (b != 0 && b != 1) {
            throw corrupt("flag " + b);
        }
        return b == 1;
    }

    private static long nonNegative(long value, String what) {
        if (value < 0) {
            throw corrupt(what + " " + value);
        }
        return value;
    }

    private static IllegalArgumentException corrupt(String why) {
        return new IllegalArgumentException("Audit state is corrupt or not an audit state: " + why);
    }
}
