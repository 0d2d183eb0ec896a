package io.surety.broker.log;

import io.surety.broker.config.TopicConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Tells a torn tail from corruption once a segment has stopped at damage, and cuts at the damage
 * when the operator asks ({@code bin/surety recover --truncate}). Stateless.
 *
 * <p>The rule: a crash only ever tears the end of the last write, so damage in the last segment
 * with no valid batch anywhere after it is a torn tail and is cut at start. Damage followed by a
 * valid batch, or damage in any segment but the last, cannot come from a crash: the bytes after it
 * were written after it, so cutting would drop records that may have been acknowledged and read.
 * That is corruption; the partition stays offline and the files stay as they are until the
 * operator chooses to cut.
 *
 * <p>Implementation notes: "a valid batch after the damage" is searched byte by byte, since the
 * damage may have changed any length field and nothing else says where the next batch starts. A
 * position is a candidate when its header is plausible (magic 2, a length that fits the file and
 * the largest recoverable batch, a non-negative last offset delta and record count, offsets at or
 * after the damage and below the next segment); only candidates have their CRC32C computed, in
 * 64 KiB steps so a forged length never allocates more. The scan is bounded by the file: each
 * byte is looked at once through a 64 KiB window, and random bytes pass the header checks about
 * once in many thousand positions, the CRC once in 2^32 candidates. Whole valid batches are then
 * followed by their lengths, so finding the old log end costs one header read per batch.
 */
public final class LogRecovery {

    private static final int WINDOW_BYTES = 64 * 1024;

    private LogRecovery() {
    }

    /**
     * The largest batch (in bytes, log overhead included) that recovery accepts as plausible:
     * max(max.message.bytes, segment.bytes). A batch the cleaner rewrites must stay within it.
     */
    static int largestRecoverableBatch(TopicConfig config) {
        return (int) Math.min(Integer.MAX_VALUE,
                (long) Math.max(config.maxMessageBytes(), config.segmentBytes()) + BatchHeader.LOG_OVERHEAD);
    }

    /**
     * Describes the damage at {@code segment}'s end ({@link LogSegment#isDamaged()}): whether a
     * valid batch follows it in that segment or any later one ({@code laterBases}, ascending,
     * followed by nothing), the old log end (the end of the last valid batch of the last segment
     * that has one), and the bytes from the damage to the end of the log.
     * Reads only.
     */
    static LogDamage inspect(Path dir, LogSegment segment, long nextBaseOffset, List<Long> laterBases,
            int maxBatchBytes) throws IOException {
        long position = segment.size();
        long firstOffset = segment.nextOffset();
        long fileSize = segment.fileSizeAtOpen();
        long end = validEnd(segment.channel(), position, fileSize, firstOffset, nextBaseOffset, maxBatchBytes);
        long bytes = fileSize - position;
        for (int i = 0; i < laterBases.size(); i++) {
            long base = laterBases.get(i);
            long next = i + 1 < laterBases.size() ? laterBases.get(i + 1) : Long.MAX_VALUE;
            try (FileChannel channel = FileChannel.open(SegmentFiles.logFile(dir, base), StandardOpenOption.READ)) {
                long size = channel.size();
                bytes += size;
                long segmentEnd = validEnd(channel, 0, size, base, next, maxBatchBytes);
                end = segmentEnd >= 0 ? segmentEnd : end;
            }
        }
        boolean validAfter = end >= 0;
        if (!validAfter) {
            end = Math.max(firstOffset, tornHeaderEnd(segment.channel(), position, fileSize, firstOffset));
        }
        return new LogDamage(SegmentFiles.logFile(dir, segment.baseOffset()), segment.baseOffset(), position,
                firstOffset, end, bytes, validAfter, laterBases.isEmpty());
    }

    /**
     * The next offset of the last valid batch (by position) from {@code from} on, skipping damage,
     * or -1 if there is none. Every batch only has to lie in [{@code minOffset}, {@code offsetLimit}):
     * one damaged base offset must not hide the batches after it.
     */
    static long validEnd(FileChannel channel, long from, long fileSize, long minOffset, long offsetLimit,
            int maxBatchBytes) throws IOException {
        long end = -1;
        long position = from;
        while (true) {
            long found = nextValidBatch(channel, position, fileSize, minOffset, offsetLimit, maxBatchBytes);
            if (found < 0) {
                return end;
            }
            BatchHeader batch = readHeader(channel, found);
            end = batch.nextOffset();
            position = found + batch.sizeInBytes();
        }
    }

    /**
     * The position of the first valid batch at or after {@code from} (plausible header, matching
     * CRC, offsets in [{@code minOffset}, {@code offsetLimit})), or -1. Tries {@code from} itself
     * first, so following a run of whole batches reads one header each.
     */
    static long nextValidBatch(FileChannel channel, long from, long fileSize, long minOffset, long offsetLimit,
            int maxBatchBytes) throws IOException {
        if (from + BatchHeader.SIZE > fileSize) {
            return -1;
        }
        if (isValidBatch(channel, readHeader(channel, from), from, fileSize, minOffset, offsetLimit, maxBatchBytes)) {
            return from;
        }
        ByteBuffer window = ByteBuffer.allocate(WINDOW_BYTES);
        long windowStart = 0;
        int windowLength = 0;
        for (long position = from + 1; position + BatchHeader.SIZE <= fileSize; position++) {
            if (position + BatchHeader.SIZE > windowStart + windowLength) {
                windowStart = position;
                windowLength = (int) Math.min(WINDOW_BYTES, fileSize - position);
                window.clear().limit(windowLength);
                SegmentFiles.readFully(channel, window, windowStart);
            }
            int at = (int) (position - windowStart);
            if (window.get(at + BatchHeader.MAGIC_OFFSET) != BatchHeader.MAGIC_V2) {
                continue;
            }
            if (isValidBatch(channel, BatchHeader.read(window, at), position, fileSize, minOffset, offsetLimit,
                    maxBatchBytes)) {
                return position;
            }
        }
        return -1;
    }

    private static boolean isValidBatch(FileChannel channel, BatchHeader batch, long position, long fileSize,
            long minOffset, long offsetLimit, int maxBatchBytes) throws IOException {
        boolean plausible = batch.magic() == BatchHeader.MAGIC_V2
                && batch.sizeInBytes() >= BatchHeader.SIZE
                && batch.sizeInBytes() <= fileSize - position
                && batch.sizeInBytes() <= maxBatchBytes
                && batch.lastOffsetDelta() >= 0
                && batch.recordCount() >= 0
                && batch.baseOffset() >= minOffset
                && batch.lastOffset() >= batch.baseOffset()
                && batch.lastOffset() < offsetLimit;
        return plausible && crcMatches(channel, batch, position);
    }

    /** Whether the CRC32C stored in the batch at {@code position} matches its bytes 21..end; reads in bounded steps. */
    static boolean crcMatches(FileChannel channel, BatchHeader batch, long position) throws IOException {
        ByteBuffer stored = ByteBuffer.allocate(4);
        SegmentFiles.readFully(channel, stored, position + BatchHeader.CRC_OFFSET);
        CRC32C crc = new CRC32C();
        ByteBuffer chunk = ByteBuffer.allocate(Math.min(WINDOW_BYTES, batch.sizeInBytes()));
        long at = position + BatchHeader.ATTRIBUTES_OFFSET;
        long end = position + batch.sizeInBytes();
        while (at < end) {
            chunk.clear().limit((int) Math.min(chunk.capacity(), end - at));
            SegmentFiles.readFully(channel, chunk, at);
            chunk.flip();
            at += chunk.remaining();
            crc.update(chunk);
        }
        return crc.getValue() == (stored.getInt(0) & 0xFFFFFFFFL);
    }

    /** For the message about a torn tail: the end its partial last batch's header names, or -1. */
    private static long tornHeaderEnd(FileChannel channel, long position, long fileSize, long firstOffset)
            throws IOException {
        if (position + BatchHeader.SIZE > fileSize) {
            return -1;
        }
        BatchHeader batch = readHeader(channel, position);
        boolean named = batch.magic() == BatchHeader.MAGIC_V2 && batch.baseOffset() == firstOffset
                && batch.lastOffsetDelta() >= 0 && batch.lastOffsetDelta() < Integer.MAX_VALUE / 2;
        return named ? batch.nextOffset() : -1;
    }

    private static BatchHeader readHeader(FileChannel channel, long position) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        SegmentFiles.readFully(channel, header, position);
        return BatchHeader.read(header, 0);
    }

    /**
     * The operator's cut, with no broker running: truncates the damaged segment at the damage,
     * deletes every later segment, and lowers the recovery point to the cut. When the damaged
     * segment had successors and keeps some batches, an empty segment starts at the cut offset, so
     * the kept one stays a closed segment (which may have the cleaner's offset gaps) and appends
     * continue in a fresh one. Each step is durable before the next; a crash in between leaves a
     * log that the next {@code recover} or start finishes or finds whole.
     */
    static void truncate(Path dir, LogDamage damage, List<Long> laterBases) throws IOException {
        for (int i = laterBases.size() - 1; i >= 0; i--) {
            Files.deleteIfExists(SegmentFiles.logFile(dir, laterBases.get(i)));
        }
        SegmentFiles.fsyncDirectory(dir);
        try (FileChannel channel = FileChannel.open(damage.file(), StandardOpenOption.WRITE)) {
            channel.truncate(damage.position());
            channel.force(true);
        }
        if (!damage.lastSegment() && damage.position() > 0) {
            try (FileChannel channel = FileChannel.open(SegmentFiles.logFile(dir, damage.firstOffset()),
                    StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                channel.force(true);
            }
        }
        SegmentFiles.fsyncDirectory(dir);
    }
}
