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

    private final Map<Long, Published> byProducerId = new ConcurrentHashMap<>();
    private final Map<String, Long> producerIdOf = new ConcurrentHashMap<>();

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
        byProducerId.put(snapshot.producerId(), new Published(transactionalId, snapshot.producerEpoch(), snapshot.status(),
                Set.copyOf(snapshot.partitions())));
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
