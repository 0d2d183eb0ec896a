package io.surety.broker.coordinator;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator's durable store: an append-only file of checksummed frames, each holding
 * the records one operation wrote (so an operation is replayed whole or not at all).
 *
 * <p>Directory {@code <data>/__consumer_offsets-0/} (not a topic: Metadata never shows it) holds one
 * live file, {@code <20-digit number>.journal}. Frame layout, big-endian:
 * <pre>
 *  offset  size  field
 *   0       4    length   bytes of body (1 .. 128 MiB)
 *   4       4    crc      CRC32C of body
 *   8       -    body     the records, see {@link RecordCodec}
 * </pre>
 *
 * <p>Compaction: the file only grows, so once it is several times larger than the state it
 * describes, {@link #rewrite} writes the whole live state into {@code <n+1>.journal.tmp}, fsyncs it,
 * renames it to {@code <n+1>.journal} (the commit point), fsyncs the directory and deletes the old
 * file.
 *
 * <p>Crash behaviour: a frame is durable once {@link #flush} returns, and nobody is answered
 * before that. A crash mid-append leaves a torn last frame (short, or failing its CRC); opening the
 * journal cuts the file back to the last whole frame, which loses only unacknowledged operations.
 * A crash mid-compaction leaves a {@code .tmp} file (deleted at open: the old file is still whole)
 * or two journals (the higher-numbered one is complete, the other is deleted). A frame whose CRC
 * matches but which cannot be decoded (an unknown frame version, record type or enum code: written
 * by a newer broker, or damaged) stops the broker from starting rather than dropping state: opening
 * throws {@link StartRefusedException} naming the file, the frame's byte offset and the record.
 *
 * <p>Threading: one owner (the coordinator thread) calls everything. Not thread-safe.
 */
final class CoordinatorJournal implements CoordinatorLog {

    private static final Logger LOG = LoggerFactory.getLogger(CoordinatorJournal.class);
    static final String DIRECTORY = "__consumer_offsets-0";
    private static final String SUFFIX = ".journal";
    private static final int HEADER_BYTES = 8;
    private static final int MAX_BODY_BYTES = 128 * 1024 * 1024;
    private static final int SNAPSHOT_RECORDS_PER_FRAME = 1000;

    private final Path dir;
    private final FsyncLedger ledger;
    /** No compaction below this size, however small the state (group.journal.compaction.bytes). */
    private final long compactionMinBytes;
    private long number;
    private Path file;
    private FileChannel channel;
    private long endPosition;
    private long flushedPosition;
    private long snapshotBytes;

    private CoordinatorJournal(Path dir, FsyncLedger ledger, long compactionMinBytes) {
        this.dir = dir;
        this.ledger = ledger;
        this.compactionMinBytes = compactionMinBytes;
    }

    /**
     * Opens the journal under {@code dataDir}, creating it if absent, and hands every whole frame's
     * records to {@code replay} in order; a torn tail is cut off.
     *
     * @throws StartRefusedException when a whole frame cannot be decoded (see the class notes)
     */
    static CoordinatorJournal open(Path dataDir, FsyncLedger ledger, Consumer<List<CoordinatorRecord>> replay)
            throws IOException {
        return open(dataDir, ledger, Long.MAX_VALUE, replay);
    }

    /** As {@link #open(Path, FsyncLedger, Consumer)}, compacting by {@link #compact} once past {@code compactionMinBytes}. */
    static CoordinatorJournal open(Path dataDir, FsyncLedger ledger, long compactionMinBytes,
            Consumer<List<CoordinatorRecord>> replay) throws IOException {
        CoordinatorJournal journal = new CoordinatorJournal(dataDir.resolve(DIRECTORY), ledger, compactionMinBytes);
        journal.load(replay);
        return journal;
    }

    private void load(Consumer<List<CoordinatorRecord>> replay) throws IOException {
        Files.createDirectories(dir);
        List<Long> numbers = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : (Iterable<Path>) files::iterator) {
                String name = f.getFileName().toString();
                if (name.endsWith(".tmp")) {
                    LOG.info("Deleting {} left by an interrupted compaction", f);
                    Files.delete(f);
                } else if (name.endsWith(SUFFIX)) {
                    numbers.add(Long.parseLong(name.substring(0, name.length() - SUFFIX.length())));
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
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        long valid = replayFrames(replay);
        long size = channel.size();
        if (valid < size) {
            LOG.warn("Coordinator journal {}: cut {} bytes of torn or corrupt data at byte {}", file, size - valid, valid);
            channel.truncate(valid);
            channel.force(true);
        }
        SegmentFiles.fsyncDirectory(dir);
        endPosition = valid;
        flushedPosition = valid;
        snapshotBytes = valid;
        ledger.synced(file, valid);
    }

    private long replayFrames(Consumer<List<CoordinatorRecord>> replay) throws IOException {
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
                replay.accept(RecordCodec.decode(body));
            } catch (RecordCodec.UndecodableFrameException e) {
                throw new StartRefusedException("Coordinator journal " + file + ": the frame at byte " + position
                        + " cannot be decoded (" + e.getMessage() + "); it was written by a newer Surety or is damaged."
                        + " Refusing to start rather than lose group state: start the Surety that wrote it, or restore"
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

    /** Appends one frame holding {@code records}; durable after the next {@link #flush}. */
    @Override
    public void append(List<CoordinatorRecord> records) throws IOException {
        byte[] body = RecordCodec.encode(records);
        if (body.length > MAX_BODY_BYTES) {
            throw new IOException("A coordinator operation wrote " + body.length + " bytes, over the frame limit");
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
    void flush() throws IOException {
        if (endPosition > flushedPosition) {
            channel.force(false);
            flushedPosition = endPosition;
            ledger.synced(file, endPosition);
        }
    }

    /** {@link #flush}, as the coordinator asks it: the future is complete once this returns. */
    @Override
    public CompletableFuture<Void> commit() throws IOException {
        flush();
        return CompletableFuture.completedFuture(null);
    }

    /** A {@link #rewrite} of {@code liveState} once the file {@link #wantsCompaction wants it}. */
    @Override
    public void compact(Supplier<List<CoordinatorRecord>> liveState) throws IOException {
        if (wantsCompaction(compactionMinBytes)) {
            rewrite(liveState.get());
        }
    }

    /** Whether the file has grown enough past the state it holds to be worth a {@link #rewrite}. */
    boolean wantsCompaction(long minBytes) {
        return endPosition > Math.max(minBytes, 4 * snapshotBytes);
    }

    /** Replaces the journal by one holding exactly {@code liveState}, durably (see the class notes). */
    void rewrite(List<CoordinatorRecord> liveState) throws IOException {
        flush();
        long next = number + 1;
        Path target = fileOf(next);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        FileChannel fresh = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
        long written = 0;
        try {
            for (int from = 0; from < liveState.size(); from += SNAPSHOT_RECORDS_PER_FRAME) {
                ByteBuffer frame = frame(RecordCodec.encode(
                        liveState.subList(from, Math.min(liveState.size(), from + SNAPSHOT_RECORDS_PER_FRAME))));
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
        LOG.info("Compacted the coordinator journal from {} to {} bytes ({} records)", endPosition, written,
                liveState.size());
        number = next;
        file = target;
        channel = fresh;
        endPosition = written;
        flushedPosition = written;
        snapshotBytes = written;
    }

    long sizeBytes() {
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
