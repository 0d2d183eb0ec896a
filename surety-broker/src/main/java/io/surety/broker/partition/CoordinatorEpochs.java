package io.surety.broker.partition;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongPredicate;

/**
 * The newest transaction coordinator epoch a leader has taken a marker with, per producer: a
 * marker written with an older coordinator epoch comes from a coordinator that has since been
 * replaced, and is refused with TRANSACTION_COORDINATOR_FENCED (Kafka's rule in
 * {@code ProducerAppendInfo.appendEndTxnMarker}). Not thread-safe: owned by its {@link Partition}
 * and used under the partition lock, in the same critical section as the marker append.
 *
 * <p>Implementation notes: the epochs are kept in memory on the replica that takes the markers,
 * not rebuilt from the log (each marker's control record does carry its coordinator epoch, so a
 * rebuild on recovery or on becoming leader can be added from there). A new leader therefore
 * starts with no epochs and takes the first marker of each producer whatever its epoch, then
 * fences from it on; entries leave with their producer when producer state expires.
 */
final class CoordinatorEpochs {

    private final Map<Long, Integer> epochs = new HashMap<>();

    /** Whether a marker for {@code producerId} written by a coordinator of {@code coordinatorEpoch} is fenced. */
    boolean isFenced(long producerId, int coordinatorEpoch) {
        Integer newest = epochs.get(producerId);
        return newest != null && newest > coordinatorEpoch;
    }

    /** Records that a marker of {@code coordinatorEpoch} was taken for {@code producerId}. */
    void taken(long producerId, int coordinatorEpoch) {
        epochs.merge(producerId, coordinatorEpoch, Math::max);
    }

    /** The newest coordinator epoch a marker for {@code producerId} came with, if any. */
    OptionalInt of(long producerId) {
        Integer newest = epochs.get(producerId);
        return newest == null ? OptionalInt.empty() : OptionalInt.of(newest);
    }

    /** Forgets the producers {@code known} rejects (their producer state expired). */
    void retainOnly(LongPredicate known) {
        epochs.keySet().removeIf(producerId -> !known.test(producerId));
    }
}
