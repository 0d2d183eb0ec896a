package io.surety.broker.coordinator;

import java.util.concurrent.CompletableFuture;

/**
 * What a coordinator operation may do besides reading state. Owned by the coordinator thread for
 * the duration of one operation.
 *
 * <p>{@link #write} is the only way to change durable state: the record is applied at once (by
 * replay, exactly as at start-up) and is on disk before any response of the same round leaves.
 * {@link #respond} therefore never completes a future directly: it completes it after the flush.
 */
interface OperationContext {

    long nowMs();

    /** Applies {@code record} to the in-memory state and queues it for the journal. */
    void write(CoordinatorRecord record);

    /** Completes {@code future} with {@code value} once everything written so far is durable. */
    <T> void respond(CompletableFuture<T> future, T value);

    CoordinatorTimer timer();

    /**
     * Runs {@code action} on the coordinator thread once everything written so far is durable and
     * published (the transaction view), before the round's responses; skipped if the write failed.
     */
    void afterFlush(Runnable action);
}
