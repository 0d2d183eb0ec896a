package io.surety.broker.producer;

import java.util.HashMap;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.LongPredicate;

/**
 * The newest transaction coordinator epoch a leader has taken a marker with, per producer: a
 * marker written with an older coordinator epoch comes from a coordinator that has since been
 * replaced, and is refused with TRANSACTION_COORDINATOR_FENCED (Kafka's rule in
 * {@code ProducerAppendInfo.appendEndTxnMarker}). Not thread-safe: part of a
 * {@link ProducerStateTable}, used under its partition's lock.
 *
 * <p>Implementation notes: like the rest of the producer state, the epochs are rebuilt from the log
 * (each marker's control record carries its coordinator epoch) at start, after a truncation and as
 * a follower appends, so a new leader fences from the epochs its log holds. Entries leave with
 * their producer when producer state expires.
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
