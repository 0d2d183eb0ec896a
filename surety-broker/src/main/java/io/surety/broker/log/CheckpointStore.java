package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The small files kept beside a log's segments, each holding one offset:
 *
 * <pre>
 *  file                 offset                                           written when
 *  recovery-point       every batch below it was fsynced; segments       at open, by the periodic
 *                       wholly below it are not CRC-checked at start      checkpoint, at close
 *  log-start-offset     the log start set by DeleteRecords               DeleteRecords
 *  cleaner-checkpoint   the first offset the cleaner has not             after each cleaning pass
 *                       deduplicated yet
 * </pre>
 *
 * <p>Format: the offset in decimal ASCII followed by {@code \n}. A file is replaced whole
 * ({@link SegmentFiles#writeDurably}: a {@code <name>.tmp} written and fsynced, renamed over the
 * file, the directory fsynced), so a crash leaves the old value or the new one, and at worst a
 * stray {@code .tmp} that the next open deletes. A missing file reads as 0; an unreadable one is
 * logged and read as 0 too, which only makes the next start check more (recovery from the first
 * segment, no log start beyond the first segment, everything dirty).
 *
 * <p>Thread-safety: none of its own; each file has one writer at a time, given by the log's
 * locking (see the table in {@link Log}). Different files never share a temp file.
 *
 * <p>Implementation notes: the files a later change adds (a leader-epoch checkpoint, whose
 * format is a list of (epoch, start offset) pairs rather than one offset) belong here too, so
 * that every file of a partition directory that is not a segment is read and written in one place.
 */
final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    static final String RECOVERY_POINT_FILE = "recovery-point";
    static final String LOG_START_FILE = "log-start-offset";
    static final String CLEANER_CHECKPOINT_FILE = "cleaner-checkpoint";

    private final Path dir;
    private final FsyncLedger ledger;

    CheckpointStore(Path dir, FsyncLedger ledger) {
        this.dir = dir;
        this.ledger = ledger;
    }

    /** The recovery point, or 0 when none was recorded. */
    long recoveryPoint() throws IOException {
        return readOffset(RECOVERY_POINT_FILE);
    }

    void writeRecoveryPoint(long offset) throws IOException {
        writeOffset(RECOVERY_POINT_FILE, offset);
    }

    /** The log start offset DeleteRecords recorded, or 0 when it never ran. */
    long logStartOffset() throws IOException {
        return readOffset(LOG_START_FILE);
    }

    void writeLogStartOffset(long offset) throws IOException {
        writeOffset(LOG_START_FILE, offset);
    }

    /** The cleaner's first dirty offset, or 0 when the log was never cleaned. Not clamped to the log. */
    long cleanerCheckpoint() throws IOException {
        return readOffset(CLEANER_CHECKPOINT_FILE);
    }

    void writeCleanerCheckpoint(long offset) throws IOException {
        writeOffset(CLEANER_CHECKPOINT_FILE, offset);
    }

    private long readOffset(String name) throws IOException {
        Path file = dir.resolve(name);
        if (!Files.exists(file)) {
            return 0;
        }
        String text = Files.readString(file, StandardCharsets.UTF_8).trim();
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            LOG.warn("Ignoring unreadable {} ('{}'); recovering from the start", file, text);
            return 0;
        }
    }

    private void writeOffset(String name, long offset) throws IOException {
        SegmentFiles.writeDurably(dir.resolve(name),
                ByteBuffer.wrap((offset + "\n").getBytes(StandardCharsets.UTF_8)), ledger);
    }
}
