package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The rewritten form of a group of closed segments, being written by the cleaner to
 * {@code <20-digit base offset>.cleaned} next to them. It becomes part of the log only through
 * {@link Log#replaceSegments}; until then a crash leaves a stray {@code .cleaned} file, which the
 * next start deletes.
 *
 * <p>Not thread-safe: owned by one cleaner thread. Batches are appended with their original
 * offsets, in offset order.
 */
public final class CleanedSegment implements AutoCloseable {

    static final String SUFFIX = ".cleaned";

    private final Path file;
    private final long baseOffset;
    private final FileChannel channel;
    /** The log's truncation count when the pass that writes this began; a swap after a truncation is refused. */
    private final long truncationsSeen;
    private long size;
    private long lastOffset = -1;

    private CleanedSegment(Path file, long baseOffset, FileChannel channel, long truncationsSeen) {
        this.file = file;
        this.baseOffset = baseOffset;
        this.channel = channel;
        this.truncationsSeen = truncationsSeen;
    }

    static CleanedSegment create(Path dir, long baseOffset, long truncationsSeen) throws IOException {
        Path file = dir.resolve(SegmentFiles.baseName(baseOffset) + SUFFIX);
        Files.deleteIfExists(file);
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        return new CleanedSegment(file, baseOffset, channel, truncationsSeen);
    }

    long truncationsSeen() {
        return truncationsSeen;
    }

    /** Appends whole batches (position..limit of {@code batches}); their offsets must follow those written before. */
    public void append(ByteBuffer batches) throws IOException {
        ByteBuffer view = batches.duplicate();
        int at = view.position();
        while (at + BatchHeader.SIZE <= view.limit()) {
            BatchHeader header = BatchHeader.read(view, at);
            if (header.baseOffset() <= lastOffset || header.baseOffset() < baseOffset) {
                throw new IllegalStateException("Cleaned batch at offset " + header.baseOffset()
                        + " does not follow offset " + lastOffset + " in " + file);
            }
            lastOffset = header.lastOffset();
            at += header.sizeInBytes();
        }
        while (view.hasRemaining()) {
            size += channel.write(view, size);
        }
    }

    /** Forces the written bytes to disk; the file may then be swapped in. */
    void force() throws IOException {
        channel.force(true);
    }

    /** Closes (if still open) and deletes the file: the cleaning it belonged to was given up. */
    public void discard() throws IOException {
        channel.close();
        Files.deleteIfExists(file);
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    Path file() {
        return file;
    }

    public long baseOffset() {
        return baseOffset;
    }

    public long sizeInBytes() {
        return size;
    }
}
