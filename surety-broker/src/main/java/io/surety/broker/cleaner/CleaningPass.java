package io.surety.broker.cleaner;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.BatchHeader;
import io.surety.broker.log.CleanedSegment;
import io.surety.broker.log.Log;
import io.surety.broker.log.SegmentInfo;
import io.surety.broker.log.SegmentSwap;
import io.surety.broker.record.CompactionRecords;
import io.surety.broker.record.CompactionRecords.BatchDecision;
import io.surety.broker.record.CompactionRecords.BatchVerdict;
import io.surety.broker.record.CompactionRecords.RecordRule;
import io.surety.broker.record.ControlBatches;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One cleaning pass over one compacted log: deduplicate its dirty section and rewrite its
 * cleanable segments without the records that no longer count. Offsets are never changed.
 *
 * <ol>
 * <li>Key map: the dirty section's records, in offset order, put each key's latest offset in the
 *     {@link KeyOffsetMap}; aborted transactions' records do not count. When the map is full, the
 *     pass stops there ({@code cleanedUpTo}) and the rest waits for the next pass.</li>
 * <li>Rewrite: the cleanable segments below {@code cleanedUpTo}, in groups that fit one segment,
 *     are copied batch by batch into a cleaned segment that keeps a record unless a later record
 *     of its key is in the map, it has no key, it belongs to an aborted transaction, or it is a
 *     tombstone whose delete horizon has passed. Records at or after {@code cleanedUpTo} are kept.
 *     A producer's last batch is kept, emptied if need be, so idempotent producer state survives.
 *     A transaction marker is kept while data of its transaction remains, and after that until
 *     its delete horizon.</li>
 * <li>Swap: each group is replaced atomically ({@link Log#replaceSegments}); then the new first
 *     dirty offset is recorded.</li>
 * </ol>
 *
 * <p>A rewritten batch never grows past what recovery accepts as one batch
 * ({@link Log#largestRecoverableBatch}): a batch whose rebuilt form would (a delete horizon as base
 * timestamp lengthens every record's timestamp delta; recompression can grow it) is kept as it was.
 *
 * <p>Delete horizon: the first pass that rewrites a batch holding a tombstone (or the marker of a
 * transaction with no data left) stamps it with now + {@code delete.retention.ms} (KIP-534); a
 * later pass removes such records once that time has come. So a consumer that reads the log from
 * the start within {@code delete.retention.ms} of a delete being cleaned still sees the delete.
 *
 * <p>Not thread-safe: one pass runs on one cleaner thread; it reads without locks and never holds
 * the partition lock (appends and fetches go on).
 */
final class CleaningPass {

    private final CompactionTarget target;
    private final Log log;
    private final TopicConfig config;
    private final KeyOffsetMap map;
    private final Throttler throttler;
    private final long nowMs;
    private final SegmentSwap.Hook hook;
    private ByteBuffer readBuffer = ByteBuffer.allocate(64 * 1024);
    private ByteBuffer writeBuffer = ByteBuffer.allocate(64 * 1024);
    private long nextDeleteHorizonMs = Long.MAX_VALUE;
    /** The log's truncation count before anything was read: a truncation after it voids this pass's swaps. */
    private final long truncationsAtStart;

    CleaningPass(CompactionTarget target, KeyOffsetMap map, Throttler throttler, long nowMs, SegmentSwap.Hook hook) {
        this.target = target;
        this.log = target.log();
        this.config = log.config();
        this.map = map;
        this.throttler = throttler;
        this.nowMs = nowMs;
        this.hook = hook;
        this.truncationsAtStart = log.truncationCount();
    }

    CleaningReport run(CleanableSection section) throws IOException {
        long firstDirty = section.firstDirty();
        long cleanedUpTo = buildKeyMap(section);
        List<long[]> aborted = target.abortedTransactions(log.logStartOffset(), section.endOffset());
        TransactionTracker transactions = new TransactionTracker(aborted);
        Map<Long, Long> lastDataOffsets = target.producerLastDataOffsets();
        List<long[]> swapped = new ArrayList<>();
        long before = 0;
        long after = 0;
        for (List<SegmentInfo> group : groups(section, cleanedUpTo)) {
            long groupBytes = group.stream().mapToLong(SegmentInfo::sizeInBytes).sum();
            List<long[]> droppedAborts = new ArrayList<>();
            CleanedSegment cleaned = cleanGroup(group, cleanedUpTo, transactions, lastDataOffsets, droppedAborts);
            if (cleaned == null) {
                return report(firstDirty, firstDirty, swapped, before, after, false);
            }
            long cleanedBytes = cleaned.sizeInBytes();
            // The index entries of the ABORT markers this group lost go in the same step as the
            // markers, so no fetch pairs the cleaned data with an entry whose marker is gone.
            Runnable forgetDropped = () -> target.forgetAbortedTransactions(droppedAborts);
            boolean replaced;
            try {
                replaced = log.replaceSegments(group.stream().map(SegmentInfo::baseOffset).toList(), cleaned, hook,
                        forgetDropped);
            } catch (SegmentSwap.IncompleteSwapException e) {
                target.swapFailedAfterCommit(e);
                throw e;
            }
            if (!replaced) {
                return report(firstDirty, firstDirty, swapped, before, after, false);
            }
            swapped.add(new long[] {group.get(0).baseOffset(), group.get(group.size() - 1).endOffset()});
            before += groupBytes;
            after += cleanedBytes;
        }
        if (cleanedUpTo > firstDirty) {
            log.recordCleanedUpTo(cleanedUpTo);
        }
        return report(firstDirty, Math.max(firstDirty, cleanedUpTo), swapped, before, after, true);
    }

    private CleaningReport report(long firstDirty, long cleanedUpTo, List<long[]> groups, long before, long after,
            boolean completed) {
        return new CleaningReport(firstDirty, cleanedUpTo, groups, before, after, map.size(), nextDeleteHorizonMs, completed);
    }

    /**
     * Puts the latest offset of each key of the dirty section into the map, in offset order, until
     * the map cannot take the next batch's records. Returns the offset where it stopped.
     */
    private long buildKeyMap(CleanableSection section) throws IOException {
        map.clear();
        long firstDirty = section.firstDirty();
        TransactionTracker transactions = new TransactionTracker(target.abortedTransactions(firstDirty, section.endOffset()));
        long[] stoppedAt = {-1};
        for (SegmentInfo segment : section.segments()) {
            if (segment.endOffset() <= firstDirty) {
                continue;
            }
            ByteBuffer grown = log.readSegment(segment.baseOffset(), readBuffer, (header, batch) -> {
                throttler.acquire(header.sizeInBytes());
                if (header.lastOffset() < firstDirty || header.isControl() || transactions.isAborted(header)) {
                    return true;
                }
                if (!map.hasRoomFor(header.recordCount())) {
                    stoppedAt[0] = header.baseOffset();
                    return false;
                }
                CompactionRecords.forEachRecord(batch, (offset, key, hasValue) -> {
                    if (key != null && offset >= firstDirty) {
                        map.put(key, offset);
                    }
                });
                return true;
            });
            if (grown == null) {
                return firstDirty;
            }
            readBuffer = grown;
            if (stoppedAt[0] >= 0) {
                if (stoppedAt[0] <= firstDirty) {
                    throw new IllegalStateException("A batch at offset " + stoppedAt[0] + " of " + target.name()
                            + " has more records than the cleaner's key map holds (" + map.capacity()
                            + "); raise log.cleaner.dedupe.buffer.size");
                }
                return stoppedAt[0];
            }
        }
        return section.endOffset();
    }

    /** The cleanable segments that hold offsets below {@code cleanedUpTo}, in groups whose total size fits one segment. */
    private List<List<SegmentInfo>> groups(CleanableSection section, long cleanedUpTo) {
        long maxBytes = Math.min(config.segmentBytes(), Integer.MAX_VALUE / 2);
        List<List<SegmentInfo>> groups = new ArrayList<>();
        List<SegmentInfo> current = new ArrayList<>();
        long currentBytes = 0;
        for (SegmentInfo segment : section.segments()) {
            if (segment.baseOffset() >= cleanedUpTo) {
                break;
            }
            boolean fits = currentBytes + segment.sizeInBytes() <= maxBytes
                    && (current.isEmpty() || segment.endOffset() - current.get(0).baseOffset() <= Integer.MAX_VALUE);
            if (!current.isEmpty() && !fits) {
                groups.add(current);
                current = new ArrayList<>();
                currentBytes = 0;
            }
            current.add(segment);
            currentBytes += segment.sizeInBytes();
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }

    /** Writes the kept part of {@code group} into a cleaned segment; null if a segment of it is gone. */
    private CleanedSegment cleanGroup(List<SegmentInfo> group, long cleanedUpTo, TransactionTracker transactions,
            Map<Long, Long> lastDataOffsets, List<long[]> droppedAborts) throws IOException {
        CleanedSegment cleaned = log.startCleanedSegment(group.get(0).baseOffset(), truncationsAtStart);
        try {
            RecordRule latestPerKey = (offset, key, hasValue, deletesExpired) -> {
                if (offset >= cleanedUpTo) {
                    return true;
                }
                if (key == null || map.get(key) > offset) {
                    return false;
                }
                return hasValue || !deletesExpired;
            };
            RecordRule none = (offset, key, hasValue, deletesExpired) -> false;
            int largestBatch = log.largestRecoverableBatch();
            for (SegmentInfo segment : group) {
                ByteBuffer grown = log.readSegment(segment.baseOffset(), readBuffer, (header, batch) -> {
                    throttler.acquire(header.sizeInBytes());
                    boolean aborted = !header.isControl() && transactions.isAborted(header);
                    BatchDecision decision = header.isControl() ? markerDecision(header, batch, transactions, droppedAborts)
                            : dataDecision(header, aborted, lastDataOffsets);
                    writeBuffer.clear();
                    writeBuffer = CompactionRecords.filter(batch, decision, aborted ? none : latestPerKey, nowMs,
                            config.deleteRetentionMs(), writeBuffer);
                    writeBuffer.flip();
                    if (writeBuffer.remaining() > batch.remaining() && writeBuffer.remaining() > largestBatch) {
                        // Rebuilt larger (timestamp deltas against a delete horizon, recompression)
                        // than recovery accepts: keep the batch as it was.
                        writeBuffer = copyOf(batch, writeBuffer);
                    }
                    if (writeBuffer.hasRemaining()) {
                        BatchHeader written = CompactionRecords.header(writeBuffer);
                        transactions.kept(written);
                        if (written.deleteHorizonMs() > nowMs) {
                            nextDeleteHorizonMs = Math.min(nextDeleteHorizonMs, written.deleteHorizonMs());
                        }
                        throttler.acquire(writeBuffer.remaining());
                        cleaned.append(writeBuffer);
                    }
                    return true;
                });
                if (grown == null) {
                    cleaned.discard();
                    return null;
                }
                readBuffer = grown;
            }
            return cleaned;
        } catch (IOException | RuntimeException e) {
            cleaned.discard();
            throw e;
        }
    }

    /** {@code batch} (position..limit) copied into {@code buffer} (or a larger one), flipped for reading. */
    private static ByteBuffer copyOf(ByteBuffer batch, ByteBuffer buffer) {
        ByteBuffer out = buffer.capacity() >= batch.remaining() ? buffer : ByteBuffer.allocate(batch.remaining());
        out.clear();
        out.put(batch.duplicate());
        return out.flip();
    }

    private static BatchDecision dataDecision(BatchHeader header, boolean aborted, Map<Long, Long> lastDataOffsets) {
        Long last = header.hasProducerId() ? lastDataOffsets.get(header.producerId()) : null;
        if (last != null && last == header.lastOffset()) {
            return BatchDecision.KEEP_HEADER;
        }
        return aborted ? BatchDecision.DROP : BatchDecision.KEEP_RECORDS;
    }

    /** What happens to a transaction marker; an ABORT marker that goes is noted in {@code droppedAborts} as {producer id, offset}. */
    private BatchDecision markerDecision(BatchHeader header, ByteBuffer batch, TransactionTracker transactions,
            List<long[]> droppedAborts) {
        if (!header.hasProducerId()) {
            return BatchDecision.KEEP_RECORDS;
        }
        ControlBatches.Kind kind = ControlBatches.kindOf(batch);
        if (kind == ControlBatches.Kind.OTHER) {
            return BatchDecision.KEEP_RECORDS;
        }
        boolean withoutData = transactions.markerWithoutData(header);
        boolean horizonPassed = header.deleteHorizonMs() >= 0 && nowMs >= header.deleteHorizonMs();
        if (withoutData && horizonPassed) {
            if (kind == ControlBatches.Kind.ABORT) {
                droppedAborts.add(new long[] {header.producerId(), header.baseOffset()});
            }
            return BatchDecision.DROP;
        }
        return new BatchDecision(BatchVerdict.DELETE_EMPTY, withoutData);
    }
}
