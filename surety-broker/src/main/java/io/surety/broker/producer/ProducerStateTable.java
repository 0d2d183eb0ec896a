package io.surety.broker.producer;

import io.surety.broker.log.BatchHeader;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * The idempotent producers of one partition: for each producer id, its epoch and last five
 * batches, so that a retried batch is answered with its original offsets instead of being
 * appended twice, and a gap in the sequence is refused.
 *
 * <p>Rebuilt at start by {@link #replay} over every batch header in the log, so it survives
 * restarts and crashes exactly as the log does.
 *
 * <p>Not thread-safe: owned by the partition's append path, which holds the partition lock.
 *
 * <p>Implementation notes: the rules follow Kafka's. A producer the partition has never seen (or
 * whose state expired) may start at any sequence. A new epoch must start at sequence 0. Within an
 * epoch the next batch must start right after the last one, wrapping at Integer.MAX_VALUE.
 */
public final class ProducerStateTable {

    private final Map<Long, ProducerEntry> producers = new HashMap<>();

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

    /** Records an appended batch. */
    public void record(long producerId, short epoch, BatchMetadata batch) {
        producers.computeIfAbsent(producerId, id -> new ProducerEntry(epoch)).add(epoch, batch);
    }

    /** Rebuilds state from a stored batch header (start-up scan). */
    public void replay(BatchHeader header) {
        if (!header.hasProducerId() || header.isControl()) {
            return;
        }
        record(header.producerId(), header.producerEpoch(), new BatchMetadata(header.baseSequence(),
                header.lastSequence(), header.baseOffset(), header.lastOffset(), header.maxTimestamp()));
    }

    /** Forgets producers that have not written for {@code expirationMs}, as Kafka's producer.id.expiration.ms. */
    public int expire(long nowMs, long expirationMs) {
        int removed = 0;
        for (Iterator<ProducerEntry> it = producers.values().iterator(); it.hasNext();) {
            if (nowMs - it.next().lastTimestampMs() > expirationMs) {
                it.remove();
                removed++;
            }
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
