package io.surety.broker.producer;

import java.util.ArrayList;
import java.util.List;

/**
 * One partition's aborted-transaction index: for every transaction that ended with an ABORT
 * marker, the producer, the offset of its first batch and the offset of its marker, in marker
 * order. A read_committed fetch returns the entries that overlap the data it returns, so the
 * consumer knows which producer's batches to drop until it meets that producer's abort marker.
 *
 * <p>Kept in memory and rebuilt from the log at start (the start-up scan reads every control
 * batch), so it can never disagree with the log after a crash. Kafka keeps the same entries in a
 * {@code .txnindex} file per segment. An entry lives exactly as long as its ABORT marker: when
 * the log cleaner removes a marker (its transaction's data went first), it removes the entry too
 * ({@link #remove}). A stale entry would be worse than useless: a consumer that is told of it adds
 * the producer to its aborted set and, with no marker left to take it out again, drops that
 * producer's later committed batches.
 *
 * <p>Thread-safe: the partition's append path adds and trims under the partition lock, the log
 * cleaner removes entries, fetches read concurrently. Methods are synchronized (each is short).
 */
public final class AbortedTransactions {

    /** An aborted transaction: {@code producerId} wrote from {@code firstOffset}; its marker is at {@code markerOffset}. */
    public record Entry(long producerId, long firstOffset, long markerOffset) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private long longestSpan;

    synchronized void add(long producerId, long firstOffset, long markerOffset) {
        entries.add(new Entry(producerId, firstOffset, markerOffset));
        longestSpan = Math.max(longestSpan, markerOffset - firstOffset);
    }

    /**
     * The aborted transactions a fetch returning data from {@code fetchOffset} up to (not including)
     * {@code upperBoundOffset} must report: those whose marker is at or after the fetch offset and
     * whose first batch is before the upper bound.
     */
    public synchronized List<Entry> overlapping(long fetchOffset, long upperBoundOffset) {
        List<Entry> out = new ArrayList<>();
        int from = firstWithMarkerAtOrAfter(fetchOffset);
        for (int i = from; i < entries.size(); i++) {
            Entry entry = entries.get(i);
            if (entry.markerOffset() - longestSpan >= upperBoundOffset) {
                break;
            }
            if (entry.firstOffset() < upperBoundOffset) {
                out.add(entry);
            }
        }
        return out;
    }

    private int firstWithMarkerAtOrAfter(long offset) {
        int low = 0;
        int high = entries.size();
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (entries.get(mid).markerOffset() < offset) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Forgets transactions whose marker is below {@code logStartOffset} (their data is gone). */
    synchronized void trimBelow(long logStartOffset) {
        int cut = firstWithMarkerAtOrAfter(logStartOffset);
        if (cut > 0) {
            entries.subList(0, cut).clear();
        }
    }

    /**
     * Forgets the aborted transaction of {@code producerId} whose marker is at {@code markerOffset}
     * (the log cleaner removed that marker). Returns whether there was such an entry.
     */
    public synchronized boolean remove(long producerId, long markerOffset) {
        int at = firstWithMarkerAtOrAfter(markerOffset);
        if (at < entries.size() && entries.get(at).markerOffset() == markerOffset
                && entries.get(at).producerId() == producerId) {
            entries.remove(at);
            return true;
        }
        return false;
    }

    public synchronized int size() {
        return entries.size();
    }
}
