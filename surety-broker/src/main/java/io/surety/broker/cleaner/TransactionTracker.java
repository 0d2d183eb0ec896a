package io.surety.broker.cleaner;

import io.surety.broker.log.BatchHeader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Follows transactions through one cleaning pass over a log, in offset order: which data batches
 * belong to an aborted transaction (they are dropped and never enter the key map), and whether a
 * transaction marker still has data of its transaction before it (then it must stay: a rebuild of
 * the producer state from the log would otherwise see a transaction that never ends).
 *
 * <p>Not thread-safe: owned by one pass. Aborted transactions come from the partition's
 * aborted-transaction index, as {producer id, first offset, marker offset}.
 */
final class TransactionTracker {

    private final List<long[]> aborted;
    private int nextAborted;
    /** Producer → marker offset of its aborted transaction that has started and not yet ended. */
    private final Map<Long, Long> ongoingAborted = new HashMap<>();
    /** Producers whose current transaction has a batch kept in this pass. */
    private final Set<Long> keptTransactionData = new HashSet<>();

    TransactionTracker(List<long[]> abortedTransactions) {
        this.aborted = new ArrayList<>(abortedTransactions);
        this.aborted.sort(Comparator.comparingLong(entry -> entry[1]));
    }

    /** Whether the data batch {@code batch} belongs to an aborted transaction. Call for every batch, in order. */
    boolean isAborted(BatchHeader batch) {
        startAbortedUpTo(batch.baseOffset());
        if (!batch.isTransactional() || batch.isControl()) {
            return false;
        }
        Long marker = ongoingAborted.get(batch.producerId());
        return marker != null && marker > batch.baseOffset();
    }

    /** Notes that a (committed or undecided) transactional batch was kept, so its marker must stay. */
    void kept(BatchHeader batch) {
        if (batch.isTransactional() && !batch.isControl()) {
            keptTransactionData.add(batch.producerId());
        }
    }

    /**
     * Passes the marker {@code marker}: its transaction ends. Returns whether no batch of that
     * transaction was kept, so the marker may go once its delete horizon has passed.
     */
    boolean markerWithoutData(BatchHeader marker) {
        startAbortedUpTo(marker.baseOffset());
        Long abortMarker = ongoingAborted.get(marker.producerId());
        if (abortMarker != null && abortMarker <= marker.baseOffset()) {
            ongoingAborted.remove(marker.producerId());
        }
        return !keptTransactionData.remove(marker.producerId());
    }

    private void startAbortedUpTo(long offset) {
        while (nextAborted < aborted.size() && aborted.get(nextAborted)[1] <= offset) {
            long[] entry = aborted.get(nextAborted++);
            ongoingAborted.put(entry[0], entry[2]);
        }
    }
}
