package io.surety.broker.coordinator;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The coordinator's records in a cluster: each round becomes one or more entries of the
 * coordinator quorum group ({@link CoordinatorEntries}), proposed in the term this node leads.
 * Coordinator thread only.
 *
 * <p>Implementation notes: a round's operations are cut into entries of at most
 * {@value #MAX_ENTRY_BYTES} bytes, never inside an operation, so one operation is committed whole
 * or not at all. The commit future is the last entry's: Ratis commits a leader's entries in order, so
 * when the last is committed every earlier one is. If an earlier one fails, the term is over and the
 * coordinator rebuilds from the committed state, whatever the later ones did. Compaction is Ratis's
 * snapshot of {@link CommittedCoordinatorState}, so {@link #compact} has nothing to do.
 */
final class QuorumCoordinatorLog implements CoordinatorLog {

    static final int MAX_ENTRY_BYTES = 1024 * 1024;

    private final CoordinatorQuorum quorum;
    private final List<List<CoordinatorRecord>> pending = new ArrayList<>();
    private long term = -1;

    QuorumCoordinatorLog(CoordinatorQuorum quorum) {
        this.quorum = quorum;
    }

    /** From now on, rounds are proposed as the leader of {@code leaderTerm}. */
    void lead(long leaderTerm) {
        term = leaderTerm;
        pending.clear();
    }

    @Override
    public void append(List<CoordinatorRecord> records) {
        pending.add(records);
    }

    @Override
    public CompletableFuture<Void> commit() {
        CompletableFuture<Void> last = CompletableFuture.completedFuture(null);
        List<List<CoordinatorRecord>> entry = new ArrayList<>();
        long entryBytes = 0;
        for (List<CoordinatorRecord> operation : pending) {
            long operationBytes = RecordCodec.encode(operation).length;
            if (!entry.isEmpty() && entryBytes + operationBytes > MAX_ENTRY_BYTES) {
                last = quorum.propose(term, CoordinatorEntries.encode(entry));
                entry = new ArrayList<>();
                entryBytes = 0;
            }
            entry.add(operation);
            entryBytes += operationBytes;
        }
        if (!entry.isEmpty()) {
            last = quorum.propose(term, CoordinatorEntries.encode(entry));
        }
        pending.clear();
        return last;
    }

    @Override
    public void compact(Supplier<List<CoordinatorRecord>> liveState) {
        // The quorum's snapshot of the committed state is the compaction.
    }

    @Override
    public void close() {
        pending.clear();
    }
}
