package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * The durable state of every transaction, published by the coordinator for the produce path:
 * before a producer's first transactional batch of a transaction is appended to a partition,
 * {@link #verify} answers whether that transaction includes the partition (KIP-890 part 1), without
 * a round trip through the coordinator thread.
 *
 * <p>Thread-safe: the coordinator thread publishes immutable entries after they are durable and
 * before it writes any marker of the transaction; any thread reads.
 */
public final class TransactionView {

    private record Published(String transactionalId, short epoch, TransactionStatus status, Set<TopicPartition> partitions) {
    }

    /** Told, on the coordinator thread, when a transaction's abort becomes final (PrepareAbort is durable). */
    @FunctionalInterface
    public interface AbortListener {
        void aborted(String transactionalId, long producerId, short producerEpoch);
    }

    private final Map<Long, Published> byProducerId = new ConcurrentHashMap<>();
    private final Map<String, Long> producerIdOf = new ConcurrentHashMap<>();
    private volatile AbortListener abortListener = (id, producerId, epoch) -> { };

    /** Where final aborts are reported (metrics and the abort log line). */
    public void onAbort(AbortListener listener) {
        this.abortListener = listener;
    }

    /** Transactions begun and not yet decided (Ongoing), from the published state; any thread. */
    public long ongoingCount() {
        return byProducerId.values().stream().filter(p -> p.status() == TransactionStatus.ONGOING).count();
    }

    /** Coordinator thread only: forgets every transaction (this node stopped coordinating). */
    void clear() {
        byProducerId.clear();
        producerIdOf.clear();
    }

    /** Coordinator thread only: publishes {@code snapshot} as the state of its id (null: the id is gone). */
    void publish(String transactionalId, TransactionSnapshot snapshot) {
        Long previous = producerIdOf.get(transactionalId);
        if (snapshot == null) {
            producerIdOf.remove(transactionalId);
            if (previous != null) {
                byProducerId.remove(previous);
            }
            return;
        }
        Published before = byProducerId.put(snapshot.producerId(), new Published(transactionalId,
                snapshot.producerEpoch(), snapshot.status(), Set.copyOf(snapshot.partitions())));
        if (snapshot.status() == TransactionStatus.PREPARE_ABORT
                && (before == null || before.status() != TransactionStatus.PREPARE_ABORT)) {
            abortListener.aborted(transactionalId, snapshot.producerId(), snapshot.producerEpoch());
        }
        producerIdOf.put(transactionalId, snapshot.producerId());
        if (previous != null && previous != snapshot.producerId()) {
            byProducerId.remove(previous);
        }
    }

    /**
     * NONE when producer {@code producerId} at {@code epoch} has an ongoing transaction including
     * {@code partition}; otherwise INVALID_PRODUCER_ID_MAPPING, PRODUCER_FENCED,
     * CONCURRENT_TRANSACTIONS (completing) or TRANSACTION_ABORTABLE (not in the transaction), as
     * Kafka's coordinator answers a verification.
     */
    public Errors verify(long producerId, short epoch, TopicPartition partition) {
        Published published = byProducerId.get(producerId);
        if (published == null) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (published.epoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        if (published.status().isPrepare()) {
            return Errors.CONCURRENT_TRANSACTIONS;
        }
        return published.status() == TransactionStatus.ONGOING && published.partitions().contains(partition)
                ? Errors.NONE : Errors.TRANSACTION_ABORTABLE;
    }
}
