package io.surety.broker.coordinator;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * Where the coordinator's records become durable: the local {@link CoordinatorJournal} on a single
 * node, the coordinator quorum group in a cluster ({@link QuorumCoordinatorLog}). Coordinator thread
 * only.
 *
 * <p>The contract both keep: the records of one {@link #append} are replayed whole or not at all,
 * in append order, and nothing appended is reported durable before it is.
 */
interface CoordinatorLog extends AutoCloseable {

    /** Appends the records one operation wrote; durable once the next {@link #commit}'s future completes. */
    void append(List<CoordinatorRecord> records) throws IOException;

    /**
     * Makes everything appended so far durable. The local journal forces it before returning and
     * returns a completed future; the quorum proposes it and completes the future once it is
     * committed, or exceptionally when it may not be (this node lost its leadership).
     *
     * @throws IOException when local storage failed: the coordinator stops
     */
    CompletableFuture<Void> commit() throws IOException;

    /** Replaces what the log holds by {@code liveState} when that is worth it; a no-op where the quorum snapshots. */
    void compact(Supplier<List<CoordinatorRecord>> liveState) throws IOException;

    @Override
    void close() throws IOException;
}
