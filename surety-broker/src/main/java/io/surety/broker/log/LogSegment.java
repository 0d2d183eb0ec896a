package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One segment of a partition's log: a {@code .log} file of v2 record batches exactly as they are
 * sent on the wire, starting at {@link #baseOffset()}, with its offset and time indexes.
 *
 * <p>Threading: the partition's append path is the single writer ({@link #append},
 * {@link #truncateToPosition}); {@link #flush} also runs on the group-commit flusher; readers may call the read methods from any thread. The written size
 * is published through a volatile field after the bytes are written, so a reader never sees a
 * position past the bytes that exist.
 *
 * <p>Crash behaviour: an append is a positional write at the end of the file. A crash can leave a
 * partial batch at the tail. Opening stops at the first batch that is not whole and valid and
 * leaves the file as it is ({@link #isDamaged()}); {@link LogRecovery} decides whether that is a
 * torn tail, which {@link #cutTail()} removes, or corruption, which nothing removes but the
 * operator.
 */
final class LogSegment {

    private final Path dir;
    private final long baseOffset;
    private final FileChannel channel;
    private final FsyncLedger ledger;
    private final long createdMs;
    private final OffsetIndex offsetIndex;
    private final TimeIndex timeIndex;
    private volatile int size;
    private volatile long nextOffset;
    private volatile long maxTimestamp = -1;
    private volatile long maxTimestampBatchOffset = -1;
    private int bytesSinceIndexEntry;
    private volatile int flushedSize;
    /** The file's length when it was opened (a damaged segment is used only up to {@link #size}). */
    private long fileSizeAtOpen;
    /** Whether the damage was found by re-checking CRCs of batches whose headers had passed (see {@link #load}). */
    private boolean damageBehindValidHeaders;

    private LogSegment(Path dir, long baseOffset, FileChannel channel, FsyncLedger ledger, long createdMs) {
        this.dir = dir;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.ledger = ledger;
        this.createdMs = createdMs;
        this.offsetIndex = new OffsetIndex(baseOffset);
        this.timeIndex = new TimeIndex(baseOffset);
        this.nextOffset = baseOffset;
    }

    /** Creates an empty segment file and makes its directory entry durable. */
    static LogSegment create(Path dir, long baseOffset, FsyncLedger ledger, SegmentChannels channels, long nowMs)
            throws IOException {
        Path file = SegmentFiles.logFile(dir, baseOffset);
        FileChannel channel = channels.open(file, true);
        SegmentFiles.fsyncDirectory(dir);
        ledger.synced(file, 0);
        return new LogSegment(dir, baseOffset, channel, ledger, nowMs);
    }

    /**
     * Opens an existing segment and rebuilds its indexes from the batch headers. With
     * {@code validate} it also checks every batch's CRC; without, it trusts the bytes (they were
     * fsynced before the recovery point, or the broker stopped cleanly) as long as the headers hold
     * together. Either way it stops at the first batch that fails and changes nothing in the file:
     * see {@link #isDamaged()}. {@code visitor} sees every batch header before that, in order.
     */
    static LogSegment open(Path dir, long baseOffset, FsyncLedger ledger, SegmentChannels channels, boolean validate,
            int indexIntervalBytes, int maxBatchBytes, BatchVisitor visitor) throws IOException {
        return open(dir, baseOffset, Long.MAX_VALUE, ledger, channels, validate, indexIntervalBytes, maxBatchBytes, visitor);
    }

    /**
     * As above, for a segment followed by one starting at {@code nextBaseOffset} (or
     * {@link Long#MAX_VALUE} for the last segment). Batches of a segment that has a successor may
     * leave offset gaps — the cleaner removes records but never renumbers the rest — as long as
     * they stay below the successor's base. The last segment is the active one, which is never
     * cleaned, so its offsets must be contiguous: a gap there means a damaged base offset.
     */
    static LogSegment open(Path dir, long baseOffset, long nextBaseOffset, FsyncLedger ledger, SegmentChannels channels,
            boolean validate, int indexIntervalBytes, int maxBatchBytes, BatchVisitor visitor) throws IOException {
        return open(SegmentFiles.logFile(dir, baseOffset), dir, baseOffset, nextBaseOffset, ledger, channels, validate,
                indexIntervalBytes, maxBatchBytes, visitor);
    }

    /**
     * Opens the trusted, fsynced file {@code cleanedFile} as the segment that will be
     * {@code <base>.log} once a swap has renamed it there: the channel follows the file through
     * the renames, so the header scan happens before the swap and outside its lock.
     */
    static LogSegment openCleaned(Path cleanedFile, Path dir, long baseOffset, long nextBaseOffset, FsyncLedger ledger,
            SegmentChannels channels, int indexIntervalBytes, int maxBatchBytes) throws IOException {
        return open(cleanedFile, dir, baseOffset, nextBaseOffset, ledger, channels, false, indexIntervalBytes,
                maxBatchBytes, (header, control) -> { });
    }

    private static LogSegment open(Path file, Path dir, long baseOffset, long nextBaseOffset, FsyncLedger ledger,
            SegmentChannels channels, boolean validate, int indexIntervalBytes, int maxBatchBytes, BatchVisitor visitor)
            throws IOException {
        FileChannel channel = channels.open(file, false);
        LogSegment segment = new LogSegment(dir, baseOffset, channel, ledger,
                Files.getLastModifiedTime(file).toMillis());
        try {
            segment.load(file, validate, indexIntervalBytes, maxBatchBytes, nextBaseOffset, visitor);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        return segment;
    }

    private void load(Path file, boolean validate, int indexIntervalBytes, int maxBatchBytes, long nextBaseOffset,
            BatchVisitor visitor) throws IOException {
        long fileSize = channel.size();
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        long position = 0;
        long expectedOffset = baseOffset;
        while (position + BatchHeader.SIZE <= fileSize) {
            header.clear();
            SegmentFiles.readFully(channel, header, position);
            BatchHeader batch = BatchHeader.read(header, 0);
            if (!plausible(batch, expectedOffset, nextBaseOffset, fileSize - position, maxBatchBytes)) {
                break;
            }
            if (validate && !LogRecovery.crcMatches(channel, batch, position)) {
                break;
            }
            visitor.visit(batch, batch.isControl() ? readWhole(batch, position) : null);
            indexBatch(batch, (int) position, indexIntervalBytes);
            position += batch.sizeInBytes();
            expectedOffset = batch.nextOffset();
        }
        if (position < fileSize && !validate) {
            // Only the headers were checked: the damage may begin inside an earlier batch's records.
            long[] firstBad = firstBadCrc(position, nextBaseOffset);
            if (firstBad[0] < position) {
                damageBehindValidHeaders = true;
                position = firstBad[0];
                expectedOffset = firstBad[1];
                offsetIndex.truncateToPosition((int) position);
                timeIndex.truncateToOffset(expectedOffset);
            }
        }
        this.fileSizeAtOpen = fileSize;
        this.size = (int) position;
        this.flushedSize = validate ? 0 : (int) position;
        this.nextOffset = expectedOffset;
        this.bytesSinceIndexEntry = 0;
    }

    /** {position, offset} of the first batch below {@code limit} whose CRC does not match, or of {@code limit}. */
    private long[] firstBadCrc(long limit, long nextBaseOffset) throws IOException {
        long position = 0;
        long expectedOffset = baseOffset;
        while (position < limit) {
            BatchHeader batch = headerAt((int) position);
            if (!LogRecovery.crcMatches(channel, batch, position)) {
                break;
            }
            position += batch.sizeInBytes();
            expectedOffset = batch.nextOffset();
        }
        return new long[] {position, expectedOffset};
    }

    /**
     * Whether opening stopped before the end of the file: the bytes from {@link #size()} on are not
     * whole valid batches. The file is unchanged; reads and appends see only what came before.
     */
    boolean isDamaged() {
        return size < fileSizeAtOpen;
    }

    /** The file's length when the segment was opened. */
    long fileSizeAtOpen() {
        return fileSizeAtOpen;
    }

    /**
     * Whether the damage of an unvalidated segment was found by re-checking the CRCs of batches
     * whose headers had been read (and visited): a crash never leaves such bytes, only corruption.
     */
    boolean damageBehindValidHeaders() {
        return damageBehindValidHeaders;
    }

    /** Writer only, at open: cuts a torn tail, durably, so the file ends at {@link #size()}. */
    void cutTail() throws IOException {
        channel.truncate(size);
        channel.force(true);
        fileSizeAtOpen = size;
        ledger.synced(SegmentFiles.logFile(dir, baseOffset), size);
    }

    /**
     * Whether a header can start the next batch. In the last segment offsets are contiguous (each
     * batch starts where the previous one ended, the first at the segment's base): the base offset
     * lies outside the CRC, so this is the check that catches its corruption. In an earlier segment,
     * which the cleaner may have rewritten, offsets only increase and stay below the next segment.
     */
    private static boolean plausible(BatchHeader batch, long expectedOffset, long nextBaseOffset, long bytesLeft,
            int maxBatchBytes) {
        boolean offsetsFit = nextBaseOffset == Long.MAX_VALUE
                ? batch.baseOffset() == expectedOffset
                : batch.baseOffset() >= expectedOffset && batch.lastOffset() < nextBaseOffset;
        return batch.magic() == BatchHeader.MAGIC_V2
                && batch.sizeInBytes() >= BatchHeader.SIZE
                && batch.sizeInBytes() <= bytesLeft
                && batch.sizeInBytes() <= maxBatchBytes
                && batch.lastOffsetDelta() >= 0
                && offsetsFit;
    }

    private ByteBuffer readWhole(BatchHeader batch, long position) throws IOException {
        ByteBuffer whole = ByteBuffer.allocate(batch.sizeInBytes());
        SegmentFiles.readFully(channel, whole, position);
        whole.flip();
        return whole;
    }

    private void indexBatch(BatchHeader batch, int position, int indexIntervalBytes) {
        if (position == 0 || bytesSinceIndexEntry >= indexIntervalBytes) {
            offsetIndex.append(batch.baseOffset(), position);
            bytesSinceIndexEntry = 0;
        }
        bytesSinceIndexEntry += batch.sizeInBytes();
        if (batch.maxTimestamp() > maxTimestamp) {
            maxTimestamp = batch.maxTimestamp();
            maxTimestampBatchOffset = batch.baseOffset();
        }
        timeIndex.append(batch.maxTimestamp(), batch.baseOffset());
    }

    /**
     * Writer only. Appends one batch whose header already carries its final offsets; the buffer's
     * remaining bytes are written and the buffer's position is left unchanged.
     */
    void append(BatchHeader batch, ByteBuffer bytes, int indexIntervalBytes) throws IOException {
        int position = size;
        ByteBuffer view = bytes.duplicate();
        long at = position;
        while (view.hasRemaining()) {
            at += channel.write(view, at);
        }
        indexBatch(batch, position, indexIntervalBytes);
        nextOffset = batch.nextOffset();
        size = position + batch.sizeInBytes();
    }

    /**
     * Forces written bytes to disk; returns the size that is now durable. Called by the writer when
     * it rolls and by the group-commit flusher, possibly at once: synchronized so that
     * {@code flushedSize} never goes back and the fsync ledger sees this file's lengths in
     * increasing order.
     */
    synchronized int flush() throws IOException {
        int target = size;
        if (target > flushedSize) {
            channel.force(false);
            flushedSize = target;
            ledger.synced(SegmentFiles.logFile(dir, baseOffset), target);
        }
        return target;
    }

    /** Writer only. Cuts the file at {@code position} (a batch boundary) after a failed append. */
    void truncateToPosition(int position) throws IOException {
        channel.truncate(position);
        offsetIndex.truncateToPosition(position);
        size = position;
        flushedSize = Math.min(flushedSize, position);
    }

    /**
     * Writer only, under the log's structure lock: removes the batch at {@code position} (a batch
     * boundary) and every later one, durably — the file is cut and forced before this returns, and
     * the fsync ledger learns the new length — and fits the indexes, the next offset and the
     * largest timestamp to what is left. The size readers see goes down first.
     */
    void truncateDurably(int position) throws IOException {
        long[] next = {baseOffset};
        long[] maxTs = {-1, -1};
        scan(0, position, (batch, at) -> {
            next[0] = batch.nextOffset();
            if (batch.maxTimestamp() > maxTs[0]) {
                maxTs[0] = batch.maxTimestamp();
                maxTs[1] = batch.baseOffset();
            }
        });
        size = position;
        nextOffset = next[0];
        maxTimestamp = maxTs[0];
        maxTimestampBatchOffset = maxTs[1];
        offsetIndex.truncateToPosition(position);
        timeIndex.truncateToOffset(next[0]);
        bytesSinceIndexEntry = 0;
        channel.truncate(position);
        channel.force(true);
        synchronized (this) {
            flushedSize = Math.min(flushedSize, position);
        }
        fileSizeAtOpen = Math.min(fileSizeAtOpen, position);
        ledger.synced(SegmentFiles.logFile(dir, baseOffset), position);
    }

    /**
     * Position of the batch that contains {@code offset}, scanning headers forward from the nearest
     * index entry but not past {@code limit} bytes; -1 if no batch below the limit contains it.
     */
    int positionOf(long offset, int limit) throws IOException {
        int position = offsetIndex.floorPosition(offset);
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        while (position + BatchHeader.SIZE <= limit) {
            header.clear();
            SegmentFiles.readFully(channel, header, position);
            BatchHeader batch = BatchHeader.read(header, 0);
            if (batch.lastOffset() >= offset) {
                return position;
            }
            position += batch.sizeInBytes();
        }
        return -1;
    }

    /** The header of the batch at {@code position}. */
    BatchHeader headerAt(int position) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        SegmentFiles.readFully(channel, header, position);
        return BatchHeader.read(header, 0);
    }

    /** Copies the whole batch at {@code position} into a heap buffer (for the rare reads that decode records). */
    ByteBuffer readBatch(int position) throws IOException {
        BatchHeader batch = headerAt(position);
        ByteBuffer whole = ByteBuffer.allocate(batch.sizeInBytes());
        SegmentFiles.readFully(channel, whole, position);
        whole.flip();
        return whole;
    }

    /** Visits the headers of batches from {@code fromPosition} up to {@code limit} bytes; stops when the visitor returns false. */
    void scan(int fromPosition, int limit, java.util.function.ObjIntConsumer<BatchHeader> visitor) throws IOException {
        int position = fromPosition;
        ByteBuffer header = ByteBuffer.allocate(BatchHeader.SIZE);
        while (position + BatchHeader.SIZE <= limit) {
            header.clear();
            SegmentFiles.readFully(channel, header, position);
            BatchHeader batch = BatchHeader.read(header, 0);
            visitor.accept(batch, position);
            position += batch.sizeInBytes();
        }
    }

    /**
     * Reads every batch whole, in order, into {@code buffer} (grown when a batch does not fit) and
     * hands it to {@code reader}, until it says stop; the buffer is reused, so the reader must not keep it. For the
     * cleaner: bounded memory (one batch at a time) and no lock (the bytes below the segment's size
     * never change).
     */
    ByteBuffer forEachBatch(ByteBuffer buffer, BatchReader reader) throws IOException {
        int limit = size;
        int position = 0;
        ByteBuffer current = buffer;
        while (position + BatchHeader.SIZE <= limit) {
            BatchHeader batch = headerAt(position);
            if (current.capacity() < batch.sizeInBytes()) {
                current = ByteBuffer.allocate(batch.sizeInBytes());
            }
            current.clear().limit(batch.sizeInBytes());
            SegmentFiles.readFully(channel, current, position);
            current.flip();
            if (!reader.read(batch, current)) {
                break;
            }
            position += batch.sizeInBytes();
        }
        return current;
    }

    /** The offset from which to scan for records with a timestamp at or after {@code timestamp}. */
    long scanStartForTimestamp(long timestamp) {
        return timeIndex.floorOffsetBefore(timestamp);
    }

    FileChannel channel() {
        return channel;
    }

    long baseOffset() {
        return baseOffset;
    }

    int size() {
        return size;
    }

    long nextOffset() {
        return nextOffset;
    }

    long maxTimestamp() {
        return maxTimestamp;
    }

    long maxTimestampBatchOffset() {
        return maxTimestampBatchOffset;
    }

    /** When this segment was created (or its file last modified, for loaded segments); drives segment.ms. */
    long createdMs() {
        return createdMs;
    }

    /** The time retention measures: the largest record timestamp, or the creation time if it has none. */
    long retentionTimestamp() {
        return maxTimestamp >= 0 ? maxTimestamp : createdMs;
    }

    void close() throws IOException {
        channel.close();
    }

    /** Deletes the segment's files; the channel is closed by the caller after the delete delay. */
    void deleteFiles() throws IOException {
        Files.deleteIfExists(SegmentFiles.logFile(dir, baseOffset));
    }

    @Override
    public String toString() {
        return "LogSegment(" + dir.getFileName() + "/" + SegmentFiles.baseName(baseOffset) + ", size=" + size + ")";
    }
}
