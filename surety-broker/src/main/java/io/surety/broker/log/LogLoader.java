package io.surety.broker.log;

import io.surety.broker.config.TopicConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens a partition directory's segments, the work of a start before the log serves: finishes or
 * undoes interrupted cleaner swaps ({@link SegmentSwap#recover}), opens the segments in offset
 * order checking them, cuts a torn tail, stops at corruption ({@link LogRecovery} tells the two
 * apart), and reconciles what it found with the checkpoint files. Also the operator's cut of
 * corruption ({@link #truncateCorruption}). Used once, on the opening thread, before the log is
 * published; keeps no state beyond the call.
 *
 * <p>Implementation notes: segments from the one holding the recovery point on are read batch by
 * batch with CRCs; the others, and all of them after a clean shutdown, only have their headers
 * checked (a header that fails there has the segment's CRCs checked from its start, in
 * {@link LogSegment}). Opening a segment never changes it: the only file changes here are the cut
 * of a torn tail, the segments dropped when the log end fell below a recorded log start, the empty
 * first segment of a new log and the recovery point written once all is open. A corrupt log
 * changes no file at all, so the operator sees it as it was found.
 */
final class LogLoader {

    private static final Logger LOG = LoggerFactory.getLogger(LogLoader.class);

    private final Path dir;
    private final TopicConfig config;
    private final FsyncLedger ledger;
    private final SegmentChannels channels;
    private final CheckpointStore checkpoints;

    LogLoader(Path dir, TopicConfig config, FsyncLedger ledger, SegmentChannels channels, CheckpointStore checkpoints) {
        this.dir = dir;
        this.config = config;
        this.ledger = ledger;
        this.channels = channels;
        this.checkpoints = checkpoints;
    }

    /**
     * A log as loaded, which {@link Log} takes over.
     *
     * @param segments         open segments by base offset, never empty; the last is the active one
     * @param logStartOffset   the first offset the log serves
     * @param firstDirtyOffset the first offset the cleaner has not deduplicated, within the log
     * @param damage           the corruption that keeps the log offline, if any
     * @param leaderEpochs     the leader epochs, fitted to the log start and end
     */
    record LoadedLog(ConcurrentSkipListMap<Long, LogSegment> segments, long logStartOffset, long firstDirtyOffset,
            Optional<LogDamage> damage, LeaderEpochCache leaderEpochs) {
    }

    /**
     * Loads the log for a start. A torn tail is cut; corruption leaves every file untouched and is
     * returned with the segments up to the damaged one open. {@code visitor} sees every kept batch
     * header in offset order.
     */
    LoadedLog load(boolean cleanShutdown, long nowMs, BatchVisitor visitor) throws IOException {
        SegmentSwap.recover(dir, ledger);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        Optional<LeaderEpochCache> recordedEpochs = checkpoints.leaderEpochs();
        LeaderEpochCache[] epochs = {recordedEpochs.orElse(LeaderEpochCache.EMPTY)};
        BatchVisitor extending = (header, control) -> {
            epochs[0] = epochs[0].extendedBy(header.partitionLeaderEpoch(), header.baseOffset());
            visitor.visit(header, control);
        };
        LogDamage found = openSegments(segments, cleanShutdown, extending, true);
        if (found != null) {
            // Corruption: keep what precedes the damage in memory for metadata, change no file.
            LOG.error("Partition {} is corrupt at {} position {}: offsets {} and {} bytes lie beyond the damage, "
                    + "followed by {}; the partition stays offline and its files are left as they are until "
                    + "`bin/surety recover --truncate {}` (broker stopped) cuts them", found.partitionName(),
                    found.file(), found.position(), found.offsetRange(), found.bytes(),
                    found.validBatchAfter() ? "valid batches" : "later segments", found.partitionName());
            long logStart = Math.max(checkpoints.logStartOffset(), segments.firstKey());
            long end = segments.lastEntry().getValue().nextOffset();
            return new LoadedLog(segments, logStart, end, Optional.of(found),
                    epochs[0].fittedToLogEnd(end).truncatedFromStart(logStart));
        }
        long persistedStart = checkpoints.logStartOffset();
        if (!segments.isEmpty() && segments.lastEntry().getValue().nextOffset() < persistedStart) {
            // DeleteRecords reached unsynced data that a crash then took: as Kafka does, start empty
            // at the log start rather than reuse offsets below it.
            LOG.warn("Log end {} of {} is below its log start offset {}; deleting every segment and starting at {}",
                    segments.lastEntry().getValue().nextOffset(), dir, persistedStart, persistedStart);
            for (LogSegment segment : segments.values()) {
                segment.close();
                segment.deleteFiles();
            }
            segments.clear();
        }
        if (segments.isEmpty()) {
            segments.put(persistedStart, LogSegment.create(dir, persistedStart, ledger, channels, nowMs));
        }
        long logStart = Math.max(persistedStart, segments.firstKey());
        long end = segments.lastEntry().getValue().nextOffset();
        // Clamped to the log end: a checkpoint past it (data lost in a crash) would call new data clean.
        long firstDirty = Math.min(Math.max(checkpoints.cleanerCheckpoint(), logStart), end);
        checkpoints.writeRecoveryPoint(end);
        LeaderEpochCache fitted = loadLeaderEpochs(recordedEpochs, epochs[0], logStart, end);
        return new LoadedLog(segments, logStart, firstDirty, Optional.empty(), fitted);
    }

    /**
     * The leader epochs of a whole log: the checkpoint extended by the batch headers (or the headers
     * alone when it was lost), fitted to the log start and end, and written back when that changed
     * them.
     */
    private LeaderEpochCache loadLeaderEpochs(Optional<LeaderEpochCache> recorded, LeaderEpochCache extended,
            long logStart, long end) throws IOException {
        LeaderEpochCache fitted = extended.fittedToLogEnd(end).truncatedFromStart(logStart);
        if (recorded.isEmpty() && end > logStart) {
            LOG.warn("Rebuilt the leader epochs of {} from its batch headers ({}): the {} file was missing or "
                    + "unreadable; epochs without a batch are not in it, and the next leader epoch is assigned at "
                    + "the log end", dir, fitted.entries(), CheckpointStore.LEADER_EPOCH_FILE);
        }
        if (!recorded.equals(Optional.of(fitted)) && !(recorded.isEmpty() && fitted.isEmpty())) {
            checkpoints.writeLeaderEpochs(fitted);
        }
        return fitted;
    }

    /**
     * What {@code bin/surety recover --truncate} does, with no broker running: opens the log in
     * {@code dir} the way a start would, and if it is corrupt cuts it at the damage, deleting every
     * later segment (see {@link LogRecovery#truncate}), lowers the recovery point to the cut and
     * returns the damage that was cut. Empty, with nothing changed, when the log is not corrupt (a
     * torn tail is left for the start to cut).
     */
    static Optional<LogDamage> truncateCorruption(Path dir, TopicConfig config, boolean cleanShutdown)
            throws IOException {
        CheckpointStore checkpoints = new CheckpointStore(dir, FsyncLedger.NONE);
        LogLoader loader = new LogLoader(dir, config, FsyncLedger.NONE, SegmentChannels.FILES, checkpoints);
        ConcurrentSkipListMap<Long, LogSegment> segments = new ConcurrentSkipListMap<>();
        LogDamage found;
        try {
            SegmentSwap.recover(dir, FsyncLedger.NONE);
            found = loader.openSegments(segments, cleanShutdown, (header, control) -> { }, false);
        } finally {
            for (LogSegment segment : segments.values()) {
                segment.close();
            }
        }
        if (found == null) {
            return Optional.empty();
        }
        List<Long> later = loader.listSegmentBaseOffsets().stream().filter(base -> base > found.segmentBase()).toList();
        LogRecovery.truncate(dir, found, later);
        if (checkpoints.recoveryPoint() > found.firstOffset()) {
            checkpoints.writeRecoveryPoint(found.firstOffset());
        }
        return Optional.of(found);
    }

    /**
     * Opens the segments into {@code segments} in order, stopping at damage. A torn tail (damage in
     * the last segment with no valid batch after it) is cut and logged; corruption (anything else,
     * see {@link LogRecovery}) is returned, with the segments up to the damaged one open and every
     * file unchanged. Without {@code cutTornTail} (the operator's command) a torn tail ends the scan
     * unchanged and unreported.
     */
    private LogDamage openSegments(ConcurrentSkipListMap<Long, LogSegment> segments, boolean cleanShutdown,
            BatchVisitor visitor, boolean cutTornTail) throws IOException {
        List<Long> baseOffsets = listSegmentBaseOffsets();
        long recoveryPoint = cleanShutdown ? Long.MAX_VALUE : checkpoints.recoveryPoint();
        int maxBatch = LogRecovery.largestRecoverableBatch(config);
        for (int i = 0; i < baseOffsets.size(); i++) {
            long base = baseOffsets.get(i);
            long nextBase = i + 1 < baseOffsets.size() ? baseOffsets.get(i + 1) : Long.MAX_VALUE;
            boolean validate = nextBase > recoveryPoint;
            LogSegment segment = LogSegment.open(dir, base, nextBase, ledger, channels, validate,
                    config.indexIntervalBytes(), maxBatch, visitor);
            segments.put(base, segment);
            if (segment.isDamaged()) {
                List<Long> later = baseOffsets.subList(i + 1, baseOffsets.size());
                LogDamage found = LogRecovery.inspect(dir, segment, nextBase, later, maxBatch);
                if (found.validBatchAfter() || !found.lastSegment() || segment.damageBehindValidHeaders()) {
                    return found;
                }
                if (!cutTornTail) {
                    return null;
                }
                LOG.warn("Recovered {}: cut a torn tail at byte {}: {}, {} bytes removed (no valid batch "
                        + "follows it; a crash leaves this){}", found.file(), found.position(),
                        found.endOffset() > found.firstOffset() ? "offsets " + found.offsetRange()
                                : "no whole batch, the log ends at offset " + found.firstOffset(), found.bytes(),
                        found.firstOffset() < recoveryPoint && !cleanShutdown
                                ? "; it began below the recovery point " + recoveryPoint : "");
                segment.cutTail();
            }
            if (validate) {
                segment.flush();
            }
        }
        return null;
    }

    /** The base offsets of the segment files, ascending; deletes stray temp files of interrupted checkpoint writes. */
    private List<Long> listSegmentBaseOffsets() throws IOException {
        List<Long> bases = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String name = file.getFileName().toString();
                if (name.endsWith(SegmentFiles.LOG_SUFFIX)) {
                    String digits = name.substring(0, name.length() - SegmentFiles.LOG_SUFFIX.length());
                    if (digits.length() == 20 && digits.chars().allMatch(Character::isDigit)) {
                        bases.add(Long.parseLong(digits));
                    }
                } else if (name.endsWith(".tmp")) {
                    Files.delete(file);
                }
            }
        }
        bases.sort(null);
        return bases;
    }
}
