package io.surety.broker.log;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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
 * and {@code leader-epoch-checkpoint}, the {@link LeaderEpochCache}, in Kafka's text format
 * ({@code LeaderEpochCheckpointFile}), so a partition directory's file reads the same in both:
 *
 * <pre>
 *  0                      version
 *  3                      number of entries
 *  0 0                    epoch, space, start offset; epochs and start offsets strictly increasing
 *  2 150
 *  5 4000
 * </pre>
 *
 * It is written when an epoch is assigned, when the log start moves, after a truncation and when
 * an open changed it.
 *
 * <p>Format: the offset in decimal ASCII followed by {@code \n}. A file is replaced whole
 * ({@link SegmentFiles#writeDurably}: a {@code <name>.tmp} written and fsynced, renamed over the
 * file, the directory fsynced), so a crash leaves the old value or the new one, and at worst a
 * stray {@code .tmp} that the next open deletes. A missing file reads as 0; an unreadable one is
 * logged and read as 0 too, which only makes the next start check more (recovery from the first
 * segment, no log start beyond the first segment, everything dirty). A missing or unreadable
 * leader-epoch checkpoint reads as absent, and the open rebuilds it from the batch headers (see
 * {@link LeaderEpochCache} for why that is safe).
 *
 * <p>Thread-safety: none of its own; each file has one writer at a time, given by the log's
 * locking (see the table in {@link Log}). Different files never share a temp file.
 *
 * <p>Implementation notes: every file of a partition directory that is not a segment is read and
 * written here, in one place.
 */
final class CheckpointStore {

    private static final Logger LOG = LoggerFactory.getLogger(CheckpointStore.class);
    static final String RECOVERY_POINT_FILE = "recovery-point";
    static final String LOG_START_FILE = "log-start-offset";
    static final String CLEANER_CHECKPOINT_FILE = "cleaner-checkpoint";
    static final String LEADER_EPOCH_FILE = "leader-epoch-checkpoint";
    private static final int LEADER_EPOCH_VERSION = 0;

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

    /**
     * The leader epochs recorded, or empty when the file is missing or unreadable (a WARN says which
     * for the latter; the caller rebuilds them from the batch headers).
     */
    Optional<LeaderEpochCache> leaderEpochs() throws IOException {
        Path file = dir.resolve(LEADER_EPOCH_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        // Decoded leniently: a damaged byte makes the text malformed, not the read fail.
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        try {
            if (!text.endsWith("\n")) {
                // Every line ends with a newline: a file cut inside its last number is not taken for whole.
                throw new IllegalArgumentException("no newline at the end");
            }
            return Optional.of(parseLeaderEpochs(text.lines().toList()));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring unreadable {} ({}); rebuilding the leader epochs from the batch headers", file,
                    e.getMessage());
            return Optional.empty();
        }
    }

    /** Parses Kafka's leader-epoch-checkpoint text; IllegalArgumentException (incl. NumberFormatException) if malformed. */
    static LeaderEpochCache parseLeaderEpochs(List<String> lines) {
        if (lines.size() < 2 || Integer.parseInt(lines.get(0).trim()) != LEADER_EPOCH_VERSION) {
            throw new IllegalArgumentException("no version " + LEADER_EPOCH_VERSION + " header");
        }
        int count = Integer.parseInt(lines.get(1).trim());
        if (count < 0 || lines.size() != count + 2) {
            throw new IllegalArgumentException("expected " + count + " entries, found " + (lines.size() - 2) + " lines");
        }
        List<LeaderEpochCache.EpochEntry> entries = new ArrayList<>(count);
        for (String line : lines.subList(2, lines.size())) {
            String[] fields = line.trim().split(" ");
            if (fields.length != 2) {
                throw new IllegalArgumentException("malformed entry '" + line + "'");
            }
            entries.add(new LeaderEpochCache.EpochEntry(Integer.parseInt(fields[0]), Long.parseLong(fields[1])));
        }
        return LeaderEpochCache.of(entries);
    }

    void writeLeaderEpochs(LeaderEpochCache epochs) throws IOException {
        List<LeaderEpochCache.EpochEntry> entries = epochs.entries();
        StringBuilder text = new StringBuilder().append(LEADER_EPOCH_VERSION).append('\n')
                .append(entries.size()).append('\n');
        for (LeaderEpochCache.EpochEntry entry : entries) {
            text.append(entry.epoch()).append(' ').append(entry.startOffset()).append('\n');
        }
        SegmentFiles.writeDurably(dir.resolve(LEADER_EPOCH_FILE),
                ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.UTF_8)), ledger);
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
