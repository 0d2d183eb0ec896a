package io.surety.broker.producer;

import io.surety.broker.log.BatchHeader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The idempotent producers of one partition: for each producer id, its epoch and last five
 * batches, so that a retried batch is answered with its original offsets instead of being
 * appended twice, and a gap in the sequence is refused.
 *
 * <p>It also tracks transactions: for each producer with an open transaction here, the offset of
 * that transaction's first batch (the smallest of them is the first unstable offset, which bounds
 * the last stable offset), and the {@link AbortedTransactions} index that read_committed fetches
 * report. A transaction opens with its producer's first transactional batch and closes with the
 * coordinator's COMMIT or ABORT marker.
 *
 * <p>Rebuilt at start by {@link #replay} and {@link #replayMarker} over every batch in the log, so
 * it survives restarts and crashes exactly as the log does.
 *
 * <p>Not thread-safe: owned by the partition's append path, which holds the partition lock.
 *
 * <p>Implementation notes: the rules follow Kafka's. A producer the partition has never seen (or
 * whose state expired) may start at any sequence. A new epoch must start at sequence 0. Within an
 * epoch the next batch must start right after the last one, wrapping at Integer.MAX_VALUE.
 */
public final class ProducerStateTable {

    private final Map<Long, ProducerEntry> producers = new HashMap<>();
    /** First offset of each open transaction → its producer. */
    private final TreeMap<Long, Long> openTransactions = new TreeMap<>();
    private final AbortedTransactions aborted = new AbortedTransactions();
    private final CoordinatorEpochs coordinatorEpochs = new CoordinatorEpochs();

    /**
     * One producer's state, for DescribeProducers.
     *
     * @param coordinatorEpoch the newest coordinator epoch of its markers here, -1 before any
     */
    public record ProducerSnapshot(long producerId, short epoch, int lastSequence, long lastTimestampMs,
            long currentTxnStartOffset, int coordinatorEpoch) {
    }

    /** Checks a batch of producer {@code producerId} before it is appended. */
    public SequenceCheck check(long producerId, short epoch, int firstSequence, int lastSequence, String partition) {
        ProducerEntry entry = producers.get(producerId);
        if (entry == null) {
            return SequenceCheck.ACCEPT;
        }
        if (epoch < entry.epoch()) {
            return new SequenceCheck.StaleEpoch("Epoch " + epoch + " of producer " + producerId + " in " + partition
                    + " is older than the last seen epoch " + entry.epoch());
        }
        if (epoch == entry.epoch()) {
            BatchMetadata duplicate = entry.find(firstSequence, lastSequence);
            if (duplicate != null) {
                return new SequenceCheck.Duplicate(duplicate);
            }
            if (entry.hasBatches() && !inSequence(entry.lastSequence(), firstSequence)) {
                return new SequenceCheck.OutOfOrder("Out of order sequence number for producer " + producerId + " in "
                        + partition + ": " + firstSequence + " (incoming), " + entry.lastSequence() + " (last appended)");
            }
            return SequenceCheck.ACCEPT;
        }
        if (firstSequence != 0) {
            return new SequenceCheck.OutOfOrder("Invalid sequence number for new epoch " + epoch + " of producer "
                    + producerId + " in " + partition + ": " + firstSequence + " (must be 0)");
        }
        return SequenceCheck.ACCEPT;
    }

    private static boolean inSequence(int lastSequence, int nextSequence) {
        return nextSequence == lastSequence + 1L || (nextSequence == 0 && lastSequence == Integer.MAX_VALUE);
    }

    /** Records an appended batch; a transactional one opens its producer's transaction here if none is open. */
    public void record(long producerId, short epoch, BatchMetadata batch, boolean transactional) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry(epoch));
        entry.add(epoch, batch);
        if (transactional && entry.currentTxnFirstOffset() < 0) {
            entry.setCurrentTxnFirstOffset(batch.firstOffset());
            openTransactions.put(batch.firstOffset(), producerId);
        }
    }

    /** Records an appended batch of a producer that is not transactional. */
    public void record(long producerId, short epoch, BatchMetadata batch) {
        record(producerId, epoch, batch, false);
    }

    /** The epoch this partition last saw from {@code producerId}, or -1. */
    public short epochOf(long producerId) {
        ProducerEntry entry = producers.get(producerId);
        return entry == null ? -1 : entry.epoch();
    }

    /** Whether {@code producerId} has an open transaction in this partition. */
    public boolean hasOpenTransaction(long producerId) {
        ProducerEntry entry = producers.get(producerId);
        return entry != null && entry.currentTxnFirstOffset() >= 0;
    }

    /**
     * Records a COMMIT or ABORT marker of {@code producerId} at {@code markerOffset}: its open
     * transaction here (if any) closes, an aborted one enters the index, and the marker's epoch
     * becomes the producer's, fencing older epochs. Returns whether a transaction was open.
     */
    public boolean completeTransaction(long producerId, short epoch, boolean commit, long markerOffset, long timestampMs) {
        ProducerEntry entry = producers.computeIfAbsent(producerId, id -> new ProducerEntry(epoch));
        if (epoch > entry.epoch()) {
            entry.updateEpoch(epoch);
        }
        entry.touch(timestampMs);
        long first = entry.currentTxnFirstOffset();
        if (first < 0) {
            return false;
        }
        entry.setCurrentTxnFirstOffset(-1);
        openTransactions.remove(first);
        if (!commit) {
            aborted.add(producerId, first, markerOffset);
        }
        return true;
    }

    /** The first offset of the oldest open transaction, or -1 when none is open. */
    public long firstUnstableOffset() {
        return openTransactions.isEmpty() ? -1 : openTransactions.firstKey();
    }

    public int openTransactionCount() {
        return openTransactions.size();
    }

    /** The aborted-transaction index (safe to read from any thread). */
    public AbortedTransactions aborted() {
        return aborted;
    }

    /** Drops index entries whose data is gone below the log start offset. */
    public void trimBelow(long logStartOffset) {
        aborted.trimBelow(logStartOffset);
    }

    /** Rebuilds state from a stored data batch header (start-up scan); control batches go to {@link #replayMarker}. */
    public void replay(BatchHeader header) {
        if (!header.hasProducerId() || header.isControl()) {
            return;
        }
        record(header.producerId(), header.producerEpoch(), new BatchMetadata(header.baseSequence(),
                header.lastSequence(), header.baseOffset(), header.lastOffset(), header.maxTimestamp()),
                header.isTransactional());
    }

    /**
     * Rebuilds state from a stored COMMIT or ABORT marker (start-up scan, a follower's appends),
     * written by the coordinator of {@code coordinatorEpoch}.
     */
    public void replayMarker(BatchHeader header, boolean commit, int coordinatorEpoch) {
        completeTransaction(header.producerId(), header.producerEpoch(), commit, header.baseOffset(), header.maxTimestamp());
        coordinatorEpochTaken(header.producerId(), coordinatorEpoch);
    }

    /**
     * Whether a marker for {@code producerId} from the coordinator of {@code coordinatorEpoch} is
     * fenced: a marker of a newer coordinator epoch is already here (TRANSACTION_COORDINATOR_FENCED).
     */
    public boolean isCoordinatorFenced(long producerId, int coordinatorEpoch) {
        return coordinatorEpochs.isFenced(producerId, coordinatorEpoch);
    }

    /** The newest coordinator epoch of {@code producerId}'s markers here, if any. */
    public OptionalInt coordinatorEpochOf(long producerId) {
        return coordinatorEpochs.of(producerId);
    }

    /** Records that a marker for {@code producerId} from the coordinator of {@code coordinatorEpoch} is in the log. */
    public void coordinatorEpochTaken(long producerId, int coordinatorEpoch) {
        coordinatorEpochs.taken(producerId, coordinatorEpoch);
    }

    /**
     * The offset of each producer's last data batch here. The cleaner keeps those batches (emptied
     * of records if need be), so that the producer's epoch and sequence survive a rebuild.
     */
    public Map<Long, Long> lastDataOffsets() {
        Map<Long, Long> out = new HashMap<>();
        producers.forEach((id, entry) -> {
            if (entry.hasBatches()) {
                out.put(id, entry.lastDataOffset());
            }
        });
        return out;
    }

    /** Every producer's state, for DescribeProducers. */
    public List<ProducerSnapshot> snapshot() {
        List<ProducerSnapshot> out = new ArrayList<>();
        producers.forEach((id, entry) -> out.add(new ProducerSnapshot(id, entry.epoch(),
                entry.hasBatches() ? entry.lastSequence() : -1, entry.lastTimestampMs(), entry.currentTxnFirstOffset(),
                coordinatorEpochs.of(id).orElse(-1))));
        return out;
    }

    /**
     * Forgets producers that have not written for {@code expirationMs}, as Kafka's
     * producer.id.expiration.ms; never one with an open transaction.
     */
    public int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<ProducerEntry> it = producers.values().iterator(); it.hasNext();) {
            ProducerEntry entry = it.next();
            if (entry.currentTxnFirstOffset() < 0 && nowMs - entry.lastTimestampMs() > expirationMs) {
                it.remove();
                removed++;
            }
        }
        if (removed > 0) {
            coordinatorEpochs.retainOnly(producers::containsKey);
        }
        return removed;
    }

    public int size() {
        return producers.size();
    }

    /** The last sequence appended by {@code producerId}, or -1 (DescribeProducers, tests). */
    public int lastSequence(long producerId) {
        ProducerEntry entry = producers.get(producerId);
        return entry == null || !entry.hasBatches() ? -1 : entry.lastSequence();
    }
}
