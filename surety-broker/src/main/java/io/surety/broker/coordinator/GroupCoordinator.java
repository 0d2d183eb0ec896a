package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.config.TransactionConfig;
import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.requests.JoinGroupResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The group coordinator: consumer groups of both protocols and their committed offsets, on this
 * node; it also runs the transaction coordinator ({@link #transactions()}) on the same thread and
 * journal, so a transaction's end and its groups' offsets change in one durable step. Every
 * request becomes an operation on one coordinator thread (the single owner of all group and
 * transaction state); the futures returned complete once what the operation wrote is on disk.
 *
 * <p>Threading: the public methods may be called from any thread. Operations run one at a time on
 * {@code loop}; timers fire on {@code timer} and only enqueue operations. Futures complete on the
 * coordinator thread, so their continuations must be quick.
 *
 * <p>Implementation notes: the loop works in rounds (group commit): it drains the queue, running
 * each operation — whose records are applied to memory at once and appended as one journal frame —
 * then fsyncs the journal once and only then completes the round's responses. Nobody can observe
 * a state that a crash could take back. An I/O error is never retried: the coordinator stops, and
 * every later request gets NOT_COORDINATOR.
 */
public final class GroupCoordinator implements AutoCloseable {

    /** The directory under the data directory that holds the coordinator journal. */
    public static final String DATA_DIRECTORY = CoordinatorJournal.DIRECTORY;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final int MAX_OPERATIONS_PER_ROUND = 1024;
    private static final String EXPIRY_KEY = "offset-expiry";

    private final GroupStateMachine state;
    private final TransactionStateMachine transactions;
    private final TxnOffsetStateMachine txnOffsets;
    private final TransactionAdmin transactionAdmin;
    private final TransactionView transactionView = new TransactionView();
    private final CoordinatorJournal journal;
    private final Clock clock;
    private final Executor loop;
    private final ScheduledCoordinatorTimer timer;
    private final GroupConfig config;
    private final ConcurrentLinkedQueue<Operation> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    private volatile String failure;
    private volatile boolean closed;

    private GroupCoordinator(GroupStateMachine state, CoordinatorJournal journal, GroupConfig config,
            TransactionConfig transactionConfig, ProducerIdSource producerIds, TransactionMarkerWriter markers,
            Clock clock, Executor loop, ScheduledExecutorService scheduler) {
        this.state = state;
        this.transactions = new TransactionStateMachine(state.transactions(), transactionConfig, producerIds, markers,
                this::enqueue);
        this.txnOffsets = new TxnOffsetStateMachine(state, transactions, config);
        this.transactionAdmin = new TransactionAdmin(state.transactions());
        this.journal = journal;
        this.config = config;
        this.clock = clock;
        this.loop = loop;
        this.timer = new ScheduledCoordinatorTimer(scheduler, this::enqueue);
    }

    /**
     * Opens the journal under {@code dataDir} and replays it. Requests are served from now on, but
     * the session timers of the reloaded members and the offset expiry wait for
     * {@link #startTimers}, which the broker calls once its listener accepts connections.
     *
     * <p>Implementation notes: a reloaded member cannot heartbeat before the broker listens, and
     * the rest of the start (the listener above all) can take seconds on a busy machine; timers
     * started at replay would charge that time to every member's session and fence live members
     * after a restart. Kafka starts them when the coordinator has loaded, which is when requests
     * can reach it.
     */
    public static GroupCoordinator open(Path dataDir, FsyncLedger ledger, GroupConfig config,
            TransactionConfig transactionConfig, ProducerIdSource producerIds, TransactionMarkerWriter markers,
            TopicView topics, Clock clock, Executor loop, ScheduledExecutorService scheduler) throws IOException {
        long startNs = System.nanoTime();
        GroupStateMachine state = new GroupStateMachine(config, topics);
        int[] count = new int[1];
        CoordinatorJournal journal = CoordinatorJournal.open(dataDir, ledger, records -> {
            for (CoordinatorRecord record : records) {
                state.replay(record, clock.millis());
                count[0]++;
            }
        });
        LOG.info("Loaded {} groups, offsets of {} groups and {} transactional ids from {} coordinator records ({} bytes)"
                + " in {} ms", state.groups().size(), state.offsets().groupIds().size(), state.transactions().all().size(),
                count[0], journal.sizeBytes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        GroupCoordinator coordinator = new GroupCoordinator(state, journal, config, transactionConfig, producerIds, markers,
                clock, loop, scheduler);
        coordinator.publishTransactions();
        return coordinator;
    }

    /**
     * Starts the session timers of the members reloaded by {@link #open}, each for a full session
     * from now, the periodic offset expiry, and the completion of transactions a crash left
     * prepared. Call once, when clients can reach this broker.
     */
    public void startTimers() {
        enqueue(this::afterLoad);
    }

    private void afterLoad(OperationContext ctx) {
        for (GroupKind group : state.groups()) {
            if (group instanceof ClassicGroup classic) {
                for (ClassicMember member : classic.members()) {
                    state.classicJoins().scheduleHeartbeatExpiry(ctx, classic, member.memberId(), member.sessionTimeoutMs());
                }
            }
        }
        state.consumer().onLoad(ctx);
        scheduleExpiry(ctx);
        transactions.onLoad(ctx);
    }

    /** Publishes the durable state of transactions changed since the last call (coordinator thread, after a flush). */
    private void publishTransactions() {
        for (String id : state.transactions().drainChanged()) {
            transactionView.publish(id, state.transactions().get(id));
        }
    }

    /** The transaction coordinator, which runs on this coordinator's thread and journal. */
    public TransactionCoordinator transactions() {
        return new TransactionCoordinator(this, transactions, txnOffsets, transactionAdmin, transactionView);
    }

    private void scheduleExpiry(OperationContext ctx) {
        ctx.timer().schedule(EXPIRY_KEY, config.offsetsRetentionCheckIntervalMs(), c -> {
            state.offsetRequests().expire(c);
            scheduleExpiry(c);
        });
    }

    /**
     * Joins a classic group. The answer is in {@code version}'s shape: the protocol name is null
     * only from v7, where it became nullable, and empty before, as Kafka's {@link JoinGroupResponse}
     * makes it; the state machine answers errors with a null name.
     */
    public CompletableFuture<JoinGroupResponseData> joinGroup(JoinGroupRequestData request, String clientId,
            String clientHost, short version) {
        ClassicGroupStateMachine.Client client = new ClassicGroupStateMachine.Client(clientId, clientHost, version);
        return this.<JoinGroupResponseData>submit((ctx, future) -> state.classicJoins().join(ctx, request, client, future))
                .thenApply(response -> new JoinGroupResponse(response, version).data());
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return submit((ctx, future) -> state.classicSessions().sync(ctx, request, future));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return submit((ctx, future) -> ctx.respond(future, state.classicSessions().heartbeat(ctx, request)));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        return submit((ctx, future) -> ctx.respond(future, state.classicSessions().leave(ctx, request, version)));
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return submit((ctx, future) -> ctx.respond(future, state.offsetRequests().commit(request, version, ctx)));
    }

    /** Committed offsets of one group; answered once every earlier write is durable. */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request) {
        return fetchOffsets(request, false);
    }

    /** As {@link #fetchOffsets(OffsetFetchRequestGroup)}; with {@code requireStable}, pending transactional offsets are reported. */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request, boolean requireStable) {
        return submit((ctx, future) -> ctx.respond(future, state.offsetRequests().fetch(request, requireStable)));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return submit((ctx, future) -> ctx.respond(future, state.offsetRequests().delete(request, ctx)));
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, short version) {
        return submit((ctx, future) -> ctx.respond(future, state.admin().describe(groupIds, version)));
    }

    public CompletableFuture<List<ListedGroup>> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        return submit((ctx, future) -> ctx.respond(future, state.admin().list(statesFilter, typesFilter)));
    }

    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        return submit((ctx, future) -> ctx.respond(future, state.admin().delete(groupIds, ctx)));
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost, short version) {
        ClassicGroupStateMachine.Client client = new ClassicGroupStateMachine.Client(clientId, clientHost, version);
        return submit((ctx, future) -> ctx.respond(future, state.consumer().heartbeat(ctx, request, client)));
    }

    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds, short version) {
        return submit((ctx, future) -> ctx.respond(future, state.consumerDescriber().describe(groupIds, version)));
    }

    /** Every group's committed offsets and member count, for the metrics scrape. */
    public CompletableFuture<GroupsSnapshot> snapshot() {
        return submit((ctx, future) -> ctx.respond(future, GroupsSnapshot.of(state)));
    }

    <T> CompletableFuture<T> submit(BiConsumer<OperationContext, CompletableFuture<T>> body) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (failure != null || closed) {
            future.completeExceptionally(new NotCoordinatorException(
                    failure != null ? failure : "The group coordinator is shutting down"));
            return future;
        }
        enqueue(ctx -> {
            try {
                body.accept(ctx, future);
            } catch (RuntimeException e) {
                LOG.error("Coordinator operation failed", e);
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private void enqueue(Operation operation) {
        if (closed) {
            return;
        }
        queue.add(operation);
        if (draining.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    private void drain() {
        try {
            runRound();
        } finally {
            draining.set(false);
            if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
                loop.execute(this::drain);
            }
        }
    }

    /** One group-commit round: run queued operations, append their records, fsync once, then answer. */
    private void runRound() {
        Round round = new Round();
        Operation operation;
        int n = 0;
        while (n++ < MAX_OPERATIONS_PER_ROUND && (operation = queue.poll()) != null) {
            if (failure != null || closed) {
                continue;
            }
            try {
                operation.run(round);
            } catch (RuntimeException e) {
                LOG.error("Coordinator operation failed", e);
            }
            round.endOperation();
        }
        round.finish();
    }

    /** The context of one round: collects records per operation and responses for after the flush. */
    private final class Round implements OperationContext {
        private final long nowMs = clock.millis();
        private final List<CoordinatorRecord> pending = new ArrayList<>();
        private final List<Runnable> responses = new ArrayList<>();
        private final List<CompletableFuture<?>> futures = new ArrayList<>();
        private final List<Runnable> afterFlush = new ArrayList<>();
        private boolean wrote;

        @Override
        public long nowMs() {
            return nowMs;
        }

        @Override
        public void write(CoordinatorRecord record) {
            state.replay(record, nowMs);
            pending.add(record);
        }

        @Override
        public <T> void respond(CompletableFuture<T> future, T value) {
            futures.add(future);
            responses.add(() -> future.complete(value));
        }

        @Override
        public CoordinatorTimer timer() {
            return timer;
        }

        @Override
        public void afterFlush(Runnable action) {
            afterFlush.add(action);
        }

        void endOperation() {
            if (pending.isEmpty() || failure != null) {
                pending.clear();
                return;
            }
            try {
                journal.append(List.copyOf(pending));
                wrote = true;
            } catch (IOException e) {
                fail("append", e);
            }
            pending.clear();
        }

        void finish() {
            if (wrote && failure == null) {
                try {
                    journal.flush();
                } catch (IOException e) {
                    fail("fsync", e);
                }
            }
            if (failure != null) {
                NotCoordinatorException error = new NotCoordinatorException(failure);
                futures.forEach(f -> f.completeExceptionally(error));
                return;
            }
            publishTransactions();
            afterFlush.forEach(Runnable::run);
            responses.forEach(Runnable::run);
            maybeCompact();
        }
    }

    private void maybeCompact() {
        if (!journal.wantsCompaction(config.journalCompactionBytes())) {
            return;
        }
        try {
            journal.rewrite(state.liveRecords());
        } catch (IOException e) {
            fail("compaction", e);
        }
    }

    private void fail(String what, IOException e) {
        failure = "Group coordinator storage failed during " + what + ": " + e;
        LOG.error("{}; group requests are refused until restart, stored offsets are untouched", failure, e);
    }

    /** Stops taking requests, waits for the operations under way, and closes the journal. */
    @Override
    public void close() {
        closed = true;
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            loop.execute(() -> {
                try {
                    timer.cancelAll();
                    journal.close();
                    done.complete(null);
                } catch (IOException e) {
                    done.completeExceptionally(e);
                }
            });
            done.get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Could not close the group coordinator journal cleanly; it will be recovered at the next start", e);
        }
    }
}
