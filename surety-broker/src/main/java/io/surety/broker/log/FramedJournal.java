package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A durable, append-only file of checksummed frames, each an opaque body its owner encodes: what
 * one operation wrote, so that an operation is replayed whole or not at all. The group
 * coordinator's journal and the security store are built on it.
 *
 * <p>A directory holds one live file, {@code <20-digit number>.journal}. Frame layout, big-endian:
 * <pre>
 *  offset  size  field
 *   0       4    length   bytes of body (1 .. 128 MiB)
 *   4       4    crc      CRC32C of body
 *   8       -    body     the owner's encoding
 * </pre>
 *
 * <p>Compaction: the file only grows, so once it is several times larger than the state it
 * describes, {@link #rewrite} writes the whole live state into {@code <n+1>.journal.tmp}, fsyncs it,
 * renames it to {@code <n+1>.journal} (the commit point), fsyncs the directory and deletes the old
 * file.
 *
 * <p>Crash behaviour: a frame is durable once {@link #flush} returns, and nobody may be answered
 * before that. A crash mid-append leaves a torn last frame (short, or failing its CRC); opening
 * cuts the file back to the last whole frame, which loses only unacknowledged operations, and
 * logs how many bytes were cut. A crash mid-compaction leaves a {@code .tmp} file (deleted at open:
 * the old file is still whole) or two journals (the higher-numbered one is complete, the other is
 * deleted). A frame whose CRC matches but which its owner cannot decode (written by a newer
 * broker, or damaged) stops the start rather than dropping state: opening throws
 * {@link StartRefusedException} naming the file, the frame's byte offset and what would be lost.
 *
 * <p>An owner-only journal ({@link Access#OWNER_ONLY}) keeps its directory at mode 0700 and its
 * files at 0600, for state as sensitive as credentials.
 *
 * <p>Threading: one owner calls everything. Not thread-safe.
 */
public final class FramedJournal implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FramedJournal.class);
    private static final String SUFFIX = ".journal";
    private static final int HEADER_BYTES = 8;
    /** The largest body a frame may hold. */
    public static final int MAX_BODY_BYTES = 128 * 1024 * 1024;

    /** Who may read the journal's files. */
    public enum Access {
        /** The process's umask decides, as for the logs. */
        DEFAULT,
        /** Directory 0700, files 0600. */
        OWNER_ONLY
    }

    /** Decodes and applies one whole frame's body at open. */
    @FunctionalInterface
    public interface FrameReplay {
        /** @throws UndecodableFrameException when the body cannot be decoded (see the class notes) */
        void replay(ByteBuffer body) throws UndecodableFrameException;
    }

    /** A whole frame whose body its owner cannot decode: a newer broker wrote it, or it is damaged. */
    public static final class UndecodableFrameException extends Exception {
        public UndecodableFrameException(String message) {
            super(message);
        }

        public UndecodableFrameException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final Path dir;
    private final String name;
    private final String losing;
    private final Access access;
    private final FsyncLedger ledger;
    private long number;
    private Path file;
    private FileChannel channel;
    private long endPosition;
    private long flushedPosition;
    private long snapshotBytes;

    private FramedJournal(Path dir, String name, String losing, Access access, FsyncLedger ledger) {
        this.dir = dir;
        this.name = name;
        this.losing = losing;
        this.access = access;
        this.ledger = ledger;
    }

    /**
     * Opens the journal in {@code dir}, creating both if absent, and hands every whole frame's body
     * to {@code replay} in order; a torn tail is cut off.
     *
     * @param name    how log lines and errors name the journal, as "Coordinator journal"
     * @param losing  what a refused start protects, as "group state"
     * @throws StartRefusedException when a whole frame cannot be decoded (see the class notes)
     */
    public static FramedJournal open(Path dir, String name, String losing, Access access, FsyncLedger ledger,
            FrameReplay replay) throws IOException {
        FramedJournal journal = new FramedJournal(dir, name, losing, access, ledger);
        journal.load(replay);
        return journal;
    }

    private void load(FrameReplay replay) throws IOException {
        createDirectory();
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String fileName = f.getFileName().toString();
                if (fileName.endsWith(".tmp")) {
                    LOG.info("Deleting {} left by an interrupted compaction", f);
                    Files.delete(f);
                } else if (fileName.endsWith(SUFFIX)) {
                    numbers.add(Long.parseLong(fileName.substring(0, fileName.length() - SUFFIX.length())));
                }
            }
        }
        numbers.sort(null);
        number = numbers.isEmpty() ? 0 : numbers.get(numbers.size() - 1);
        for (long old : numbers) {
            if (old != number) {
                LOG.info("Deleting superseded journal {}", fileOf(old));
                Files.delete(fileOf(old));
            }
        }
        file = fileOf(number);
        channel = openFile(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long valid = replayFrames(replay);
        long size = channel.size();
        if (valid < size) {
            LOG.warn("{} {}: cut {} bytes of torn or corrupt data at byte {}", name, file, size - valid, valid);
            channel.truncate(valid);
            channel.force(true);
        }
        SegmentFiles.fsyncDirectory(dir);
        endPosition = valid;
        flushedPosition = valid;
        snapshotBytes = valid;
        ledger.synced(file, valid);
    }

    private void createDirectory() throws IOException {
        if (access == Access.OWNER_ONLY) {
            if (!Files.isDirectory(dir)) {
                Files.createDirectories(dir.getParent());
                Files.createDirectory(dir, ownerOnly("rwx------"));
            }
            // Also when it existed: a directory made by hand or restored from a backup gets the same mode.
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        } else {
            Files.createDirectories(dir);
        }
    }

    private FileChannel openFile(Path path, OpenOption... options) throws IOException {
        if (access != Access.OWNER_ONLY) {
            return FileChannel.open(path, options);
        }
        FileChannel opened = FileChannel.open(path, Set.of(options), ownerOnly("rw-------"));
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        return opened;
    }

    private static FileAttribute<?>[] ownerOnly(String permissions) {
        return new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions))};
    }

    private long replayFrames(FrameReplay replay) throws IOException {
        long size = channel.size();
        long position = 0;
        ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES);
        while (position + HEADER_BYTES <= size) {
            header.clear();
            readFully(header, position);
            header.flip();
            int length = header.getInt();
            int crc = header.getInt();
            if (length < 1 || length > MAX_BODY_BYTES || position + HEADER_BYTES + length > size) {
                return position;
            }
            ByteBuffer body = ByteBuffer.allocate(length);
            readFully(body, position + HEADER_BYTES);
            body.flip();
            if (crcOf(body) != crc) {
                return position;
            }
            try {
                replay.replay(body);
            } catch (UndecodableFrameException e) {
                throw new StartRefusedException(name + " " + file + ": the frame at byte " + position
                        + " cannot be decoded (" + e.getMessage() + "); it was written by a newer Surety or is damaged."
                        + " Refusing to start rather than lose " + losing + ": start the Surety that wrote it, or restore"
                        + " the data directory from a backup", e);
            }
            position += HEADER_BYTES + length;
        }
        return position;
    }

    private void readFully(ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("Unexpected end of " + file);
            }
            at += n;
        }
    }

    private static int crcOf(ByteBuffer body) {
        CRC32C crc = new CRC32C();
        crc.update(body.duplicate());
        return (int) crc.getValue();
    }

    private static ByteBuffer frame(byte[] body) {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_BYTES + body.length);
        CRC32C crc = new CRC32C();
        crc.update(body);
        frame.putInt(body.length).putInt((int) crc.getValue()).put(body).flip();
        return frame;
    }

    /** Appends one frame holding {@code body}; durable after the next {@link #flush}. */
    public void append(byte[] body) throws IOException {
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("An operation wrote " + body.length + " bytes to the " + name.toLowerCase(Locale.ROOT)
                    + ", over the frame limit");
        }
        ByteBuffer frame = frame(body);
        long at = endPosition;
        try {
            while (frame.hasRemaining()) {
                at += channel.write(frame, at);
            }
        } catch (IOException e) {
            channel.truncate(endPosition);
            throw e;
        }
        endPosition = at;
    }

    /** Forces every appended frame to disk. */
    public void flush() throws IOException {
        if (endPosition > flushedPosition) {
            channel.force(false);
            flushedPosition = endPosition;
            ledger.synced(file, endPosition);
        }
    }

    /** Whether the file has grown enough past the state it holds to be worth a {@link #rewrite}. */
    public boolean wantsCompaction(long minBytes) {
        return endPosition > Math.max(minBytes, 4 * snapshotBytes);
    }

    /** Replaces the journal by one holding exactly the frames {@code liveState}, durably (see the class notes). */
    public void rewrite(List<byte[]> liveState) throws IOException {
        flush();
        long next = number + 1;
        Path target = fileOf(next);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel fresh = openFile(tmp, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        long written = 0;
        try {
            for (byte[] body : liveState) {
                ByteBuffer frame = frame(body);
                while (frame.hasRemaining()) {
                    written += fresh.write(frame, written);
                }
            }
            fresh.force(true);
            ledger.synced(tmp, written);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            SegmentFiles.fsyncDirectory(dir);
            ledger.synced(target, written);
        } catch (IOException e) {
            fresh.close();
            Files.deleteIfExists(tmp);
            throw e;
        }
        channel.close();
        Files.delete(file);
        LOG.info("Compacted the {} from {} to {} bytes", name.toLowerCase(Locale.ROOT), endPosition, written);
        number = next;
        file = target;
        channel = fresh;
        endPosition = written;
        flushedPosition = written;
        snapshotBytes = written;
    }

    /** Bytes in the live file, flushed or not. */
    public long sizeBytes() {
        return endPosition;
    }

    private Path fileOf(long n) {
        return dir.resolve(String.format(Locale.ROOT, "%020d", n) + SUFFIX);
    }

    @Override
    public void close() throws IOException {
        try {
            flush();
        } finally {
            channel.close();
        }
    }
}
