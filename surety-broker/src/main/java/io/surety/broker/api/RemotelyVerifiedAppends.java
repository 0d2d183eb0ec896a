package io.surety.broker.api;

import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.TransactionVerifier;
import io.surety.broker.record.ProducedBatch;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.Errors;

/**
 * Cluster mode, on a leader whose transaction coordinator runs on another node: appends the batch
 * that opens a producer's transaction in a partition only after the coordinator confirmed, with
 * the verify-only AddPartitionsToTxn ({@link CoordinatorVerification}), that the transaction
 * includes the partition (KIP-890 part 1). The partition's verification guard
 * ({@link Partition#beginVerification}) makes an answer void once a marker for the producer was
 * appended meanwhile. Thread-safe.
 *
 * <p>Order: the appends of one producer to one partition run one after another, in the order they
 * were asked for, while one of them waits for its answer — a producer pipelines its batches, and
 * a later batch overtaking the first would be refused as out of sequence. Each append runs on
 * {@code appendExecutor} once the one before it ended.
 *
 * <p>Implementation notes: the verifier handed to the append is consulted under the partition
 * lock and reads the guard under that same (reentrant) lock, so the guard check and the append
 * are one step. A batch whose transaction is already open here needs no question; should a marker
 * close that transaction between the check and the append, the batch is refused with
 * NOT_ENOUGH_REPLICAS, which the producer retries (and the retry asks the coordinator).
 */
final class RemotelyVerifiedAppends {

    /** What a batch that found no open transaction where one was expected gets: retried by the producer. */
    static final TransactionVerifier RETRY = (producerId, epoch, partition) -> Errors.NOT_ENOUGH_REPLICAS;

    private final CoordinatorVerification coordinator;
    private final Executor appendExecutor;
    /** The last append asked for per producer and partition, while it is not finished. Guarded by itself. */
    private final Map<Key, CompletableFuture<AppendOutcome>> last = new HashMap<>();

    private record Key(TopicPartition partition, long producerId) {
    }

    RemotelyVerifiedAppends(CoordinatorVerification coordinator, Executor appendExecutor) {
        this.coordinator = coordinator;
        this.appendExecutor = appendExecutor;
    }

    /** Whether a batch of {@code producerId} for {@code partition} must go through {@link #append}. */
    boolean needsVerification(Partition partition, long producerId) {
        synchronized (last) {
            if (last.containsKey(new Key(partition.topicPartition(), producerId))) {
                return true;
            }
        }
        return !partition.hasOpenTransaction(producerId);
    }

    /**
     * Appends {@code batch} after the appends of its producer to this partition asked for before,
     * and after the coordinator's answer when its transaction is not open here by then.
     */
    CompletableFuture<AppendOutcome> append(Partition partition, ProducedBatch batch, String transactionalId,
            int coordinatorId, long nowMs, boolean abortableErrors, boolean acksAll) {
        Key key = new Key(partition.topicPartition(), batch.producerId());
        synchronized (last) {
            CompletableFuture<AppendOutcome> before = last.get(key);
            CompletableFuture<Void> turn = before == null ? CompletableFuture.completedFuture(null)
                    : before.handle((outcome, failure) -> null);
            CompletableFuture<AppendOutcome> mine = turn.thenComposeAsync(ready -> verifyAndAppend(partition, batch,
                    transactionalId, coordinatorId, nowMs, abortableErrors, acksAll), appendExecutor);
            last.put(key, mine);
            mine.whenComplete((outcome, failure) -> {
                synchronized (last) {
                    last.remove(key, mine);
                }
            });
            return mine;
        }
    }

    private CompletableFuture<AppendOutcome> verifyAndAppend(Partition partition, ProducedBatch batch,
            String transactionalId, int coordinatorId, long nowMs, boolean abortableErrors, boolean acksAll) {
        long producerId = batch.producerId();
        if (partition.hasOpenTransaction(producerId)) {
            return CompletableFuture.completedFuture(partition.append(batch, nowMs, RETRY, abortableErrors, acksAll));
        }
        if (transactionalId == null || transactionalId.isEmpty()) {
            return CompletableFuture.completedFuture(new AppendOutcome(Errors.INVALID_TXN_STATE,
                    "A transactional batch without a transactional id cannot be verified with its coordinator",
                    -1, -1, -1, -1));
        }
        Object guard = partition.beginVerification(producerId);
        return coordinator.verify(coordinatorId, transactionalId, producerId, batch.producerEpoch(),
                        partition.topicPartition())
                .thenApplyAsync(answer -> partition.append(batch, nowMs, (id, epoch, tp) ->
                        partition.holdsVerification(id, guard) ? answer : Errors.INVALID_TXN_STATE,
                        abortableErrors, acksAll), appendExecutor);
    }
}
