package io.surety.broker.log;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/** File naming and the few durable-write primitives the log needs. Stateless. */
public final class SegmentFiles {

    public static final String LOG_SUFFIX = ".log";

    private SegmentFiles() {
    }

    /** Kafka's naming: the base offset, zero-padded to 20 digits, so names sort by offset. */
    static String baseName(long baseOffset) {
        return String.format(Locale.ROOT, "%020d", baseOffset);
    }

    static Path logFile(Path dir, long baseOffset) {
        return dir.resolve(baseName(baseOffset) + LOG_SUFFIX);
    }

    static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int read = channel.read(buffer, at);
            if (read < 0) {
                throw new EOFException("End of file at " + at);
            }
            at += read;
        }
    }

    /**
     * Replaces {@code file} with {@code content} so that a crash leaves either the old or the new
     * content: write a temp file, fsync it, rename over the target, fsync the directory.
     */
    public static void writeDurably(Path file, ByteBuffer content, FsyncLedger ledger) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long length = content.remaining();
        try (FileChannel channel = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            while (content.hasRemaining()) {
                channel.write(content);
            }
            channel.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        fsyncDirectory(file.getParent());
        ledger.synced(file, length);
    }

    /** Forces a directory's entries (new, renamed or deleted files) to disk. */
    public static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
