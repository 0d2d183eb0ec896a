package io.surety.broker.log;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The leader epochs of one partition: for each epoch, the first offset written in it (KIP-101), as
 * an immutable value. {@link Log} holds the current one in a volatile field and replaces it, after
 * writing it to the {@code leader-epoch-checkpoint} file ({@link CheckpointStore}), whenever an
 * epoch is assigned, the log start moves or the log is truncated. Epochs and start offsets both
 * increase strictly from entry to entry.
 *
 * <p>Thread-safety: immutable; every change returns a new value.
 *
 * <p>The checkpoint file is authoritative: an epoch may have no batch at all (a leader that
 * appended nothing, or whose batches the cleaner removed), so the batch headers can only
 * <em>extend</em> it — a batch whose epoch is above the latest one starts that epoch at its base
 * offset ({@link #extendedBy}).
 *
 * <p>Implementation notes: why a lost checkpoint is rebuilt rather than refusing the start. When
 * the file is missing or unreadable (it is replaced atomically, so only something outside Surety
 * damages it), the cache is rebuilt from the batch headers alone, which the open reads anyway. What
 * that loses is exactly the epochs without a batch: the latest epoch if its leader appended nothing,
 * and epochs whose batches the cleaner removed. Neither matters to a reader of this log. An epoch
 * with no batch in the log answers OffsetForLeaderEpoch as the largest epoch below it with the end
 * offset of that one, which is where the lost epoch's (empty) range was: a consumer's truncation
 * check compares only end offsets, and those do not change. And the latest epoch is recorded again
 * by the next leader, since becoming leader assigns a new epoch at the log end
 * ({@code Log.assignLeaderEpoch}) before anything is appended or served: the single node does that
 * at every start, with an epoch above every one it still knows. Kafka's replicas rebuild their
 * cache from the leader the same way after losing it.
 */
public final class LeaderEpochCache {

    /** Kafka's "no epoch" (UNDEFINED_EPOCH, and NO_PARTITION_LEADER_EPOCH in a batch). */
    public static final int UNDEFINED_EPOCH = -1;
    /** Kafka's "no offset" in an OffsetForLeaderEpoch answer (UNDEFINED_EPOCH_OFFSET). */
    public static final long UNDEFINED_OFFSET = -1L;

    static final LeaderEpochCache EMPTY = new LeaderEpochCache(new TreeMap<>());

    /** One entry: {@code epoch} began at {@code startOffset}. */
    public record EpochEntry(int epoch, long startOffset) {
    }

    /** An OffsetForLeaderEpoch answer: the epoch found and where it ends, or both undefined. */
    public record EpochEndOffset(int epoch, long endOffset) {
        public static final EpochEndOffset UNDEFINED = new EpochEndOffset(UNDEFINED_EPOCH, UNDEFINED_OFFSET);
    }

    private final NavigableMap<Integer, Long> startOffsets;

    private LeaderEpochCache(NavigableMap<Integer, Long> startOffsets) {
        this.startOffsets = Collections.unmodifiableNavigableMap(startOffsets);
    }

    /**
     * The cache holding {@code entries}; throws IllegalArgumentException unless epochs and start
     * offsets both increase strictly and none is negative.
     */
    static LeaderEpochCache of(List<EpochEntry> entries) {
        TreeMap<Integer, Long> map = new TreeMap<>();
        EpochEntry previous = null;
        for (EpochEntry entry : entries) {
            if (entry.epoch() < 0 || entry.startOffset() < 0 || previous != null
                    && (entry.epoch() <= previous.epoch() || entry.startOffset() <= previous.startOffset())) {
                throw new IllegalArgumentException("Leader epochs out of order: " + previous + " then " + entry);
            }
            map.put(entry.epoch(), entry.startOffset());
            previous = entry;
        }
        return new LeaderEpochCache(map);
    }

    /** The entries, oldest epoch first. */
    public List<EpochEntry> entries() {
        List<EpochEntry> out = new ArrayList<>(startOffsets.size());
        startOffsets.forEach((epoch, start) -> out.add(new EpochEntry(epoch, start)));
        return out;
    }

    public boolean isEmpty() {
        return startOffsets.isEmpty();
    }

    /** The latest epoch, if any. */
    public OptionalInt latestEpoch() {
        return startOffsets.isEmpty() ? OptionalInt.empty() : OptionalInt.of(startOffsets.lastKey());
    }

    /**
     * {@code epoch} begins at {@code startOffset}, as Kafka's {@code assign}: entries whose epoch is
     * at or above it, or whose start offset is at or above it, are replaced (an epoch in which
     * nothing was written is superseded by the next one starting at the same offset). Returns this
     * value unchanged when {@code epoch} is the latest and already starts at or before
     * {@code startOffset}. Throws IllegalArgumentException for an epoch below the latest one:
     * epochs never go back.
     */
    LeaderEpochCache assign(int epoch, long startOffset) {
        if (epoch < 0 || startOffset < 0) {
            throw new IllegalArgumentException("Invalid leader epoch " + epoch + " at offset " + startOffset);
        }
        if (!startOffsets.isEmpty()) {
            int latest = startOffsets.lastKey();
            if (epoch < latest) {
                throw new IllegalArgumentException("Leader epoch " + epoch + " is below the latest epoch " + latest);
            }
            if (epoch == latest && startOffsets.lastEntry().getValue() <= startOffset) {
                return this;
            }
        }
        TreeMap<Integer, Long> map = new TreeMap<>(startOffsets);
        map.values().removeIf(start -> start >= startOffset);
        map.tailMap(epoch, true).clear();
        map.put(epoch, startOffset);
        return new LeaderEpochCache(map);
    }

    /**
     * Extended by a batch of leader epoch {@code epoch} at {@code baseOffset}: a new entry when the
     * epoch is above the latest one, else this value (headers only extend the checkpoint).
     */
    LeaderEpochCache extendedBy(int epoch, long baseOffset) {
        if (epoch < 0 || !startOffsets.isEmpty() && epoch <= startOffsets.lastKey()) {
            return this;
        }
        return assign(epoch, baseOffset);
    }

    /** Without the entries starting at or after {@code endOffset} (a truncation of the log to it). */
    LeaderEpochCache truncatedFromEnd(long endOffset) {
        TreeMap<Integer, Long> map = new TreeMap<>(startOffsets);
        if (!map.values().removeIf(start -> start >= endOffset)) {
            return this;
        }
        return new LeaderEpochCache(map);
    }

    /**
     * With the log start moved to {@code startOffset}: the entries starting before it go, except the
     * latest of them, which now starts there (its epoch still holds the first offsets left).
     */
    LeaderEpochCache truncatedFromStart(long startOffset) {
        Map.Entry<Integer, Long> first = startOffsets.firstEntry();
        if (first == null || first.getValue() >= startOffset) {
            return this;
        }
        TreeMap<Integer, Long> map = new TreeMap<>(startOffsets);
        int keep = UNDEFINED_EPOCH;
        for (Map.Entry<Integer, Long> entry : startOffsets.entrySet()) {
            if (entry.getValue() <= startOffset) {
                keep = entry.getKey();
                map.remove(entry.getKey());
            }
        }
        map.put(keep, startOffset);
        return new LeaderEpochCache(map);
    }

    /**
     * Fitted, at open, to a log ending at {@code logEndOffset}: entries starting past it describe data
     * a crash took (a power loss cut unsynced batches under a durable checkpoint). They go, but the
     * highest of their epochs is kept, starting at the log end, so the latest epoch this partition
     * ever had is never forgotten and the next leader epoch is above it. Where it then ends is the
     * new log end, so a consumer that read the lost data sees its truncation.
     */
    LeaderEpochCache fittedToLogEnd(long logEndOffset) {
        if (startOffsets.isEmpty() || startOffsets.lastEntry().getValue() <= logEndOffset) {
            return this;
        }
        int highest = startOffsets.lastKey();
        TreeMap<Integer, Long> map = new TreeMap<>(startOffsets);
        map.values().removeIf(start -> start >= logEndOffset);
        map.put(highest, logEndOffset);
        return new LeaderEpochCache(map);
    }

    /**
     * The epoch that wrote {@code offset}: the latest epoch starting at or before it, if any.
     */
    public OptionalInt epochForOffset(long offset) {
        Integer found = null;
        for (Map.Entry<Integer, Long> entry : startOffsets.entrySet()) {
            if (entry.getValue() > offset) {
                break;
            }
            found = entry.getKey();
        }
        return found == null ? OptionalInt.empty() : OptionalInt.of(found);
    }

    /**
     * OffsetForLeaderEpoch, by Kafka's rules ({@code LeaderEpochFileCache.endOffsetFor}):
     * <ul>
     * <li>{@code requestedEpoch} undefined (-1), or no epoch known: undefined (-1, -1);</li>
     * <li>the latest epoch: it, ending at {@code logEndOffset};</li>
     * <li>a known epoch, or one between two known ones: the largest known epoch at or below it,
     *     ending where the next known epoch starts;</li>
     * <li>below every known epoch: the requested epoch itself, ending where the first known epoch
     *     starts (the data before it is gone; a follower or consumer restarts from there);</li>
     * <li>above every known epoch: undefined (-1, -1) — a leader never sees this, since it knows
     *     its own epoch; a client gets no end offset and resets its position.</li>
     * </ul>
     */
    public EpochEndOffset endOffsetFor(int requestedEpoch, long logEndOffset) {
        if (requestedEpoch == UNDEFINED_EPOCH || startOffsets.isEmpty()) {
            return EpochEndOffset.UNDEFINED;
        }
        if (requestedEpoch == startOffsets.lastKey()) {
            return new EpochEndOffset(requestedEpoch, logEndOffset);
        }
        Map.Entry<Integer, Long> higher = startOffsets.higherEntry(requestedEpoch);
        if (higher == null) {
            return EpochEndOffset.UNDEFINED;
        }
        Map.Entry<Integer, Long> floor = startOffsets.floorEntry(requestedEpoch);
        if (floor == null) {
            return new EpochEndOffset(requestedEpoch, higher.getValue());
        }
        return new EpochEndOffset(floor.getKey(), higher.getValue());
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LeaderEpochCache that && startOffsets.equals(that.startOffsets);
    }

    @Override
    public int hashCode() {
        return startOffsets.hashCode();
    }

    @Override
    public String toString() {
        return "LeaderEpochCache" + startOffsets;
    }
}
