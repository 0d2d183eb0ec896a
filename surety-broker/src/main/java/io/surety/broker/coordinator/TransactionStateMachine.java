package io.surety.broker.coordinator;

import io.surety.broker.config.TransactionConfig;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetsCompleted;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator's protocol: InitProducerId with a transactional id, AddPartitionsToTxn,
 * AddOffsetsToTxn, EndTxn, the verification of partitions and offset commits, timeouts and expiry.
 * Every transition writes a whole {@link TransactionSnapshot}; what it means is applied by replay.
 * Owns no thread: runs on the coordinator thread, takes time from the {@link OperationContext}.
 *
 * <p>Ending a transaction: EndTxn (or a timeout, or a new producer fencing an ongoing transaction)
 * writes PrepareCommit/PrepareAbort; once that is durable the decision is final and the markers
 * are written to every partition of the transaction ({@link TransactionMarkerWriter}); once they
 * are durable, CompleteCommit/CompleteAbort is written together with the groups' share (pending
 * offsets made visible or dropped), and only then is the client's EndTxn answered. A crash
 * anywhere in between leaves a prepared transaction, which {@link #onLoad} drives to completion
 * (markers written again: a second marker is harmless).
 *
 * <p>Implementation notes: error codes follow Kafka's TransactionCoordinator for transaction
 * version 1 (no epoch bump per transaction); the epoch-bump and producer-id-rotation rules are
 * its {@code prepareIncrementProducerEpoch}, {@code prepareProducerIdRotation} and
 * {@code prepareFenceProducerEpoch}.
 */
final class TransactionStateMachine {

    static final short NO_EPOCH = -1;
    static final long NO_PRODUCER_ID = -1;
    private static final Logger LOG = LoggerFactory.getLogger(TransactionStateMachine.class);
    private static final String ABORT_TIMER = "txn-abort-timed-out";
    private static final String EXPIRY_TIMER = "txn-expire-ids";
    /** How long to wait before writing markers again after a partition failed to take them. */
    static final long MARKER_RETRY_BACKOFF_MS = 1_000;

    private final TransactionStore store;
    private final TransactionConfig config;
    private final ProducerIdSource producerIds;
    private final TransactionMarkerWriter markers;
    private final Consumer<Operation> enqueue;
    private final Map<String, List<CompletableFuture<Errors>>> endTxnWaiters = new HashMap<>();
    private final Set<String> writingMarkers = new HashSet<>();

    TransactionStateMachine(TransactionStore store, TransactionConfig config, ProducerIdSource producerIds,
            TransactionMarkerWriter markers, Consumer<Operation> enqueue) {
        this.store = store;
        this.config = config;
        this.producerIds = producerIds;
        this.markers = markers;
        this.enqueue = enqueue;
    }

    static boolean isEpochExhausted(short epoch) {
        return epoch >= Short.MAX_VALUE - 1;
    }

    /** After the journal is replayed: finish prepared transactions and start the periodic checks. */
    void onLoad(OperationContext ctx) {
        for (TransactionSnapshot txn : new ArrayList<>(store.all())) {
            if (txn.status().isPrepare()) {
                LOG.info("Completing transaction {} of producer {} left in {} by the last run", txn.transactionalId(),
                        txn.producerId(), txn.status().kafkaName());
                sendMarkers(ctx, txn.transactionalId());
            }
        }
        scheduleAbortCheck(ctx);
        scheduleExpiry(ctx);
    }

    private void scheduleAbortCheck(OperationContext ctx) {
        ctx.timer().schedule(ABORT_TIMER, config.abortTimedOutIntervalMs(), c -> {
            abortTimedOut(c);
            scheduleAbortCheck(c);
        });
    }

    private void scheduleExpiry(OperationContext ctx) {
        ctx.timer().schedule(EXPIRY_TIMER, config.removeExpiredIntervalMs(), c -> {
            expireIds(c);
            scheduleExpiry(c);
        });
    }

    // ---------------------------------------------------------------- InitProducerId

    void initProducerId(OperationContext ctx, InitProducerIdRequestData request,
            CompletableFuture<InitProducerIdResponseData> future) {
        String id = request.transactionalId();
        int timeoutMs = request.transactionTimeoutMs();
        boolean expected = request.producerId() != NO_PRODUCER_ID || request.producerEpoch() != NO_EPOCH;
        if (id.isEmpty() || (expected && (request.producerId() == NO_PRODUCER_ID || request.producerEpoch() == NO_EPOCH))) {
            ctx.respond(future, initError(Errors.INVALID_REQUEST));
            return;
        }
        if (timeoutMs <= 0 || timeoutMs > config.maxTimeoutMs()) {
            ctx.respond(future, initError(Errors.INVALID_TRANSACTION_TIMEOUT));
            return;
        }
        TransactionSnapshot current = store.get(id);
        if (current == null) {
            long producerId = allocate();
            if (producerId < 0) {
                ctx.respond(future, initError(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            write(ctx, new TransactionSnapshot(id, producerId, NO_PRODUCER_ID, (short) 0, NO_EPOCH, timeoutMs,
                    TransactionStatus.EMPTY, List.of(), List.of(), -1, ctx.nowMs()));
            ctx.respond(future, initOk(producerId, (short) 0));
            return;
        }
        if (expected && !isValidProducerId(current, request.producerId(), request.producerEpoch())) {
            ctx.respond(future, initError(Errors.PRODUCER_FENCED));
            return;
        }
        switch (current.status()) {
            case PREPARE_COMMIT, PREPARE_ABORT -> ctx.respond(future, initError(Errors.CONCURRENT_TRANSACTIONS));
            case ONGOING -> {
                LOG.info("Aborting the ongoing transaction of {} (producer {} epoch {}) to fence it", id,
                        current.producerId(), current.producerEpoch());
                beginEnd(ctx, current, false, fencedEpoch(current.producerEpoch()), NO_EPOCH);
                ctx.respond(future, initError(Errors.CONCURRENT_TRANSACTIONS));
            }
            default -> initIdle(ctx, current, request, expected, future);
        }
    }

    private void initIdle(OperationContext ctx, TransactionSnapshot current, InitProducerIdRequestData request,
            boolean expected, CompletableFuture<InitProducerIdResponseData> future) {
        int timeoutMs = request.transactionTimeoutMs();
        if (isEpochExhausted(current.producerEpoch())
                && (!expected || request.producerEpoch() == current.producerEpoch())) {
            long producerId = allocate();
            if (producerId < 0) {
                ctx.respond(future, initError(Errors.COORDINATOR_NOT_AVAILABLE));
                return;
            }
            write(ctx, new TransactionSnapshot(current.transactionalId(), producerId, current.producerId(), (short) 0,
                    expected ? current.producerEpoch() : NO_EPOCH, timeoutMs, TransactionStatus.EMPTY, List.of(),
                    List.of(), -1, ctx.nowMs()));
            ctx.respond(future, initOk(producerId, (short) 0));
            return;
        }
        short epoch;
        short lastEpoch;
        short bumped = (short) (current.producerEpoch() + 1);
        if (!expected) {
            epoch = bumped;
            lastEpoch = NO_EPOCH;
        } else if (current.producerEpoch() == NO_EPOCH || request.producerEpoch() == current.producerEpoch()) {
            epoch = bumped;
            lastEpoch = current.producerEpoch();
        } else if (request.producerEpoch() == current.lastProducerEpoch()) {
            epoch = current.producerEpoch();
            lastEpoch = current.lastProducerEpoch();
        } else {
            ctx.respond(future, initError(Errors.PRODUCER_FENCED));
            return;
        }
        write(ctx, new TransactionSnapshot(current.transactionalId(), current.producerId(), current.previousProducerId(),
                epoch, lastEpoch, timeoutMs, TransactionStatus.EMPTY, List.of(), List.of(), -1, ctx.nowMs()));
        ctx.respond(future, initOk(current.producerId(), epoch));
    }

    /**
     * Kafka's rule: a producer id and epoch given by the request are acceptable if the metadata was
     * just created, the id is the current one, or it is the previous one with an exhausted epoch (a
     * retry of a rotation whose answer was lost).
     */
    private static boolean isValidProducerId(TransactionSnapshot current, long producerId, short epoch) {
        return current.producerEpoch() == NO_EPOCH || producerId == current.producerId()
                || (producerId == current.previousProducerId() && isEpochExhausted(epoch));
    }

    private static short fencedEpoch(short epoch) {
        return epoch == Short.MAX_VALUE ? epoch : (short) (epoch + 1);
    }

    private long allocate() {
        try {
            return producerIds.nextProducerId();
        } catch (IOException e) {
            LOG.error("Could not allocate a producer id", e);
            return -1;
        }
    }

    private static InitProducerIdResponseData initError(Errors error) {
        return new InitProducerIdResponseData().setErrorCode(error.code()).setProducerId(NO_PRODUCER_ID)
                .setProducerEpoch(NO_EPOCH);
    }

    private static InitProducerIdResponseData initOk(long producerId, short epoch) {
        return new InitProducerIdResponseData().setErrorCode(Errors.NONE.code()).setProducerId(producerId)
                .setProducerEpoch(epoch);
    }

    // ---------------------------------------------------------------- AddPartitions / AddOffsets

    /** The error for a request of {@code producerId} at {@code epoch} that wants to add to its transaction, or NONE. */
    private Errors checkAddable(TransactionSnapshot current, long producerId, short epoch) {
        if (current == null || current.producerId() != producerId) {
            return Errors.INVALID_PRODUCER_ID_MAPPING;
        }
        if (current.producerEpoch() != epoch) {
            return Errors.PRODUCER_FENCED;
        }
        return current.status().isPrepare() ? Errors.CONCURRENT_TRANSACTIONS : Errors.NONE;
    }

    /** AddPartitionsToTxn (client form): adds {@code partitions} (all known to exist) to the transaction. */
    Errors addPartitions(OperationContext ctx, String transactionalId, long producerId, short epoch,
            Collection<TopicPartition> partitions) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_REQUEST;
        }
        TransactionSnapshot current = store.get(transactionalId);
        Errors error = checkAddable(current, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        if (current.status() == TransactionStatus.ONGOING && current.partitions().containsAll(partitions)) {
            return Errors.NONE;
        }
        Set<TopicPartition> all = new LinkedHashSet<>(current.partitions());
        all.addAll(partitions);
        writeOngoing(ctx, current, new ArrayList<>(all), current.groups());
        return Errors.NONE;
    }

    /** AddOffsetsToTxn: the group's offsets will be committed within the transaction. */
    Errors addOffsets(OperationContext ctx, String transactionalId, long producerId, short epoch, String groupId) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            return Errors.INVALID_REQUEST;
        }
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        TransactionSnapshot current = store.get(transactionalId);
        Errors error = checkAddable(current, producerId, epoch);
        if (error != Errors.NONE) {
            return error;
        }
        if (current.status() == TransactionStatus.ONGOING && current.groups().contains(groupId)) {
            return Errors.NONE;
        }
        Set<String> groups = new LinkedHashSet<>(current.groups());
        groups.add(groupId);
        writeOngoing(ctx, current, current.partitions(), new ArrayList<>(groups));
        return Errors.NONE;
    }

    private void writeOngoing(OperationContext ctx, TransactionSnapshot current, List<TopicPartition> partitions,
            List<String> groups) {
        long start = current.status() == TransactionStatus.ONGOING ? current.startTimestampMs() : ctx.nowMs();
        write(ctx, new TransactionSnapshot(current.transactionalId(), current.producerId(), current.previousProducerId(),
                current.producerEpoch(), current.lastProducerEpoch(), current.timeoutMs(), TransactionStatus.ONGOING,
                partitions, groups, start, ctx.nowMs()));
    }

    /** AddPartitionsToTxn v4+ verify-only form: which of {@code partitions} the transaction includes. */
    Map<TopicPartition, Errors> verify(String transactionalId, long producerId, short epoch,
            Collection<TopicPartition> partitions) {
        Map<TopicPartition, Errors> out = new LinkedHashMap<>();
        TransactionSnapshot current = transactionalId == null || transactionalId.isEmpty() ? null
                : store.get(transactionalId);
        Errors all = transactionalId == null || transactionalId.isEmpty() ? Errors.INVALID_REQUEST
                : checkAddable(current, producerId, epoch);
        for (TopicPartition tp : partitions) {
            out.put(tp, all != Errors.NONE ? all
                    : current.partitions().contains(tp) ? Errors.NONE : Errors.TRANSACTION_ABORTABLE);
        }
        return out;
    }

    /**
     * Whether producer {@code producerId} at {@code epoch} may commit offsets for {@code groupId}
     * within its transaction (TxnOffsetCommit): NONE, or the error Kafka's verification gives.
     */
    Errors checkOffsetCommit(String transactionalId, long producerId, short epoch, String groupId, boolean abortable) {
        TransactionSnapshot current = transactionalId == null ? null : store.get(transactionalId);
        Errors error = checkAddable(current, producerId, epoch);
        if (error == Errors.PRODUCER_FENCED) {
            return Errors.INVALID_PRODUCER_EPOCH;
        }
        if (error != Errors.NONE) {
            return error;
        }
        if (current.status() != TransactionStatus.ONGOING || !current.groups().contains(groupId)) {
            return abortable ? Errors.TRANSACTION_ABORTABLE : Errors.INVALID_TXN_STATE;
        }
        return Errors.NONE;
    }

    // ---------------------------------------------------------------- EndTxn

    /** EndTxn from a client; the future completes with the error, or NONE once the transaction is complete. */
    void endTxn(OperationContext ctx, String transactionalId, long producerId, short epoch, boolean commit,
            CompletableFuture<Errors> future) {
        if (transactionalId == null || transactionalId.isEmpty()) {
            ctx.respond(future, Errors.INVALID_REQUEST);
            return;
        }
        TransactionSnapshot current = store.get(transactionalId);
        if (current == null || current.producerId() != producerId) {
            ctx.respond(future, Errors.INVALID_PRODUCER_ID_MAPPING);
            return;
        }
        if (current.producerEpoch() != epoch) {
            ctx.respond(future, Errors.PRODUCER_FENCED);
            return;
        }
        Errors error = switch (current.status()) {
            case ONGOING -> null;
            case COMPLETE_COMMIT -> commit ? Errors.NONE : Errors.INVALID_TXN_STATE;
            case COMPLETE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.NONE;
            case PREPARE_COMMIT -> commit ? Errors.CONCURRENT_TRANSACTIONS : Errors.INVALID_TXN_STATE;
            case PREPARE_ABORT -> commit ? Errors.INVALID_TXN_STATE : Errors.CONCURRENT_TRANSACTIONS;
            default -> Errors.INVALID_TXN_STATE;
        };
        if (error != null) {
            if (error == Errors.INVALID_TXN_STATE) {
                LOG.debug("EndTxn({}) of {} refused in state {}", commit ? "commit" : "abort", transactionalId,
                        current.status().kafkaName());
            }
            ctx.respond(future, error);
            return;
        }
        endTxnWaiters.computeIfAbsent(transactionalId, k -> new ArrayList<>()).add(future);
        beginEnd(ctx, current, commit, current.producerEpoch(), current.lastProducerEpoch());
    }

    /** Writes PrepareCommit/PrepareAbort; the markers follow once it is durable. */
    private void beginEnd(OperationContext ctx, TransactionSnapshot current, boolean commit, short epoch, short lastEpoch) {
        write(ctx, new TransactionSnapshot(current.transactionalId(), current.producerId(), current.previousProducerId(),
                epoch, lastEpoch, current.timeoutMs(),
                commit ? TransactionStatus.PREPARE_COMMIT : TransactionStatus.PREPARE_ABORT, current.partitions(),
                current.groups(), current.startTimestampMs(), ctx.nowMs()));
        String id = current.transactionalId();
        ctx.afterFlush(() -> enqueue.accept(c -> sendMarkers(c, id)));
    }

    /** Writes the markers of a prepared transaction, unless that is already under way. */
    private void sendMarkers(OperationContext ctx, String transactionalId) {
        TransactionSnapshot txn = store.get(transactionalId);
        if (txn == null || !txn.status().isPrepare() || !writingMarkers.add(transactionalId)) {
            return;
        }
        boolean commit = txn.status() == TransactionStatus.PREPARE_COMMIT;
        CompletableFuture<Void> written;
        try {
            written = markers.write(txn.producerId(), txn.producerEpoch(), commit, txn.partitions());
        } catch (RuntimeException e) {
            written = CompletableFuture.failedFuture(e);
        }
        long producerId = txn.producerId();
        short epoch = txn.producerEpoch();
        written.whenComplete((ok, error) -> enqueue.accept(c -> markersWritten(c, transactionalId, producerId, epoch, error)));
    }

    private void markersWritten(OperationContext ctx, String transactionalId, long producerId, short epoch,
            Throwable error) {
        writingMarkers.remove(transactionalId);
        TransactionSnapshot txn = store.get(transactionalId);
        if (txn == null || txn.producerId() != producerId || txn.producerEpoch() != epoch || !txn.status().isPrepare()) {
            return;
        }
        if (error != null) {
            LOG.warn("Could not write the markers of transaction {}; trying again in {} ms", transactionalId,
                    MARKER_RETRY_BACKOFF_MS, error);
            ctx.timer().schedule("txn-markers-" + transactionalId, MARKER_RETRY_BACKOFF_MS,
                    c -> sendMarkers(c, transactionalId));
            return;
        }
        boolean commit = txn.status() == TransactionStatus.PREPARE_COMMIT;
        for (String group : txn.groups()) {
            ctx.write(new TxnOffsetsCompleted(group, producerId, commit));
        }
        write(ctx, new TransactionSnapshot(transactionalId, producerId, txn.previousProducerId(), epoch,
                txn.lastProducerEpoch(), txn.timeoutMs(),
                commit ? TransactionStatus.COMPLETE_COMMIT : TransactionStatus.COMPLETE_ABORT, List.of(), List.of(),
                txn.startTimestampMs(), ctx.nowMs()));
        List<CompletableFuture<Errors>> waiters = endTxnWaiters.remove(transactionalId);
        if (waiters != null) {
            waiters.forEach(f -> ctx.respond(f, Errors.NONE));
        }
    }

    // ---------------------------------------------------------------- timeouts and expiry

    /** Aborts every transaction open longer than its timeout, fencing its producer (epoch + 1). */
    void abortTimedOut(OperationContext ctx) {
        for (TransactionSnapshot txn : new ArrayList<>(store.all())) {
            if (txn.status() == TransactionStatus.ONGOING && txn.startTimestampMs() + txn.timeoutMs() < ctx.nowMs()) {
                LOG.info("Aborting transaction {} of producer {}: open for {} ms, past its timeout of {} ms",
                        txn.transactionalId(), txn.producerId(), ctx.nowMs() - txn.startTimestampMs(), txn.timeoutMs());
                beginEnd(ctx, txn, false, fencedEpoch(txn.producerEpoch()), NO_EPOCH);
            }
        }
    }

    /** Forgets transactional ids idle for transactional.id.expiration.ms. */
    void expireIds(OperationContext ctx) {
        for (TransactionSnapshot txn : new ArrayList<>(store.all())) {
            boolean idle = txn.status() == TransactionStatus.EMPTY || txn.status().isComplete();
            if (idle && ctx.nowMs() - txn.updateTimestampMs() >= config.idExpirationMs()) {
                ctx.write(new TransactionRemoved(txn.transactionalId()));
            }
        }
    }

    private static void write(OperationContext ctx, TransactionSnapshot snapshot) {
        ctx.write(snapshot);
    }
}
