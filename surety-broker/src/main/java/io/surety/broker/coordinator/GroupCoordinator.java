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
import java.util.function.Consumer;
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
 * <p>Where the state is durable: on a single node, the local {@link CoordinatorJournal}; in a
 * cluster, the coordinator quorum group ({@link #replicated}). There this node serves only while it
 * leads that group: it takes over from the {@link CommittedCoordinatorState} every node keeps,
 * answers after the quorum has committed, and on losing the lead stops and answers NOT_COORDINATOR,
 * which clients follow to the new leader.
 *
 * <p>Implementation notes: the loop works in rounds (group commit): it drains the queue, running
 * each operation — whose records are applied to memory at once and appended as one frame — then
 * makes the round durable once (an fsync, or a quorum commit) and only then completes the round's
 * responses. No round starts before the last one is durable, so nobody can observe a state that a
 * crash or a failover could take back. A local I/O error is never retried: the coordinator stops,
 * and every later request gets NOT_COORDINATOR. A round the quorum did not commit ends this node's
 * service until it leads with everything it proposed settled; it then starts again from the
 * committed state (Kafka's coordinators revert to the last committed offset instead).
 */
public final class GroupCoordinator implements AutoCloseable {

    /** The directory under the data directory that holds the coordinator journal. */
    public static final String DATA_DIRECTORY = CoordinatorJournal.DIRECTORY;

    private static final Logger LOG = LoggerFactory.getLogger(GroupCoordinator.class);
    private static final int MAX_OPERATIONS_PER_ROUND = 1024;
    private static final String EXPIRY_KEY = "offset-expiry";
    /** How long after an uncommitted round this node waits before it checks whether it may serve again. */
    static final long RETAKE_DELAY_MS = 500;

    private final CoordinatorLog log;
    /** Cluster mode only (else null): the committed state a takeover starts from, and the log's quorum side. */
    private final CommittedCoordinatorState committed;
    private final CoordinatorQuorum quorum;
    private final TransactionView transactionView = new TransactionView();
    private final GroupConfig config;
    private final TransactionConfig transactionConfig;
    private final ProducerIdSource producerIds;
    private final TransactionMarkerWriter markers;
    private final TopicView topics;
    private final Clock clock;
    private final Executor loop;
    private final ScheduledExecutorService scheduler;
    private final ConcurrentLinkedQueue<Operation> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();
    /** Coordinator thread only: what this node serves from; null while it does not coordinate. */
    private LoadedState loaded;
    private long generation;
    /** Coordinator thread only: a round waits for its quorum commit, and no other may start. */
    private boolean awaitingCommit;
    /** Coordinator thread only: {@link #startTimers} was called. */
    private boolean timersAllowed;
    private volatile String failure;
    private volatile boolean closed;

    private GroupCoordinator(CoordinatorLog log, CommittedCoordinatorState committed, CoordinatorQuorum quorum,
            GroupConfig config, TransactionConfig transactionConfig, ProducerIdSource producerIds,
            TransactionMarkerWriter markers, TopicView topics, Clock clock, Executor loop,
            ScheduledExecutorService scheduler) {
        this.log = log;
        this.committed = committed;
        this.quorum = quorum;
        this.config = config;
        this.transactionConfig = transactionConfig;
        this.producerIds = producerIds;
        this.markers = markers;
        this.topics = topics;
        this.clock = clock;
        this.loop = loop;
        this.scheduler = scheduler;
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
        CoordinatorJournal journal = CoordinatorJournal.open(dataDir, ledger, config.journalCompactionBytes(), records -> {
            for (CoordinatorRecord record : records) {
                state.replay(record, clock.millis());
                count[0]++;
            }
        });
        LOG.info("Loaded {} groups, offsets of {} groups and {} transactional ids from {} coordinator records ({} bytes)"
                + " in {} ms", state.groups().size(), state.offsets().groupIds().size(), state.transactions().all().size(),
                count[0], journal.sizeBytes(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        GroupCoordinator coordinator = new GroupCoordinator(journal, null, null, config, transactionConfig, producerIds,
                markers, topics, clock, loop, scheduler);
        coordinator.loaded = coordinator.load(state);
        coordinator.publishTransactions();
        return coordinator;
    }

    /**
     * A cluster node's coordinator: it serves only while this node leads the coordinator quorum
     * group, which the wiring reports through {@link #becameLeader} and {@link #lostLeadership};
     * until then every request gets NOT_COORDINATOR.
     *
     * @param committed the state the group has committed, kept by this node's member of the group
     * @param quorum where this node proposes its rounds while it leads
     */
    public static GroupCoordinator replicated(CommittedCoordinatorState committed, CoordinatorQuorum quorum,
            GroupConfig config, TransactionConfig transactionConfig, ProducerIdSource producerIds,
            TransactionMarkerWriter markers, TopicView topics, Clock clock, Executor loop,
            ScheduledExecutorService scheduler) {
        return new GroupCoordinator(new QuorumCoordinatorLog(quorum), committed, quorum, config, transactionConfig,
                producerIds, markers, topics, clock, loop, scheduler);
    }

    /**
     * The machines over {@code state}, as a new generation: what they schedule or enqueue runs only
     * while that generation is the one loaded.
     */
    private LoadedState load(GroupStateMachine state) {
        long loadGeneration = ++generation;
        Consumer<Operation> enqueueWhileLoaded = operation -> enqueue(ctx -> {
            if (loaded != null && loaded.generation() == loadGeneration) {
                operation.run(ctx);
            }
        });
        TransactionStateMachine transactions = new TransactionStateMachine(state.transactions(), transactionConfig,
                producerIds, markers, enqueueWhileLoaded);
        return new LoadedState(loadGeneration, state, transactions, new TxnOffsetStateMachine(state, transactions, config),
                new TransactionAdmin(state.transactions()), new ScheduledCoordinatorTimer(scheduler, enqueueWhileLoaded));
    }

    /**
     * Starts the session timers of the members reloaded by {@link #open}, each for a full session
     * from now, the periodic offset expiry, and the completion of transactions a crash left
     * prepared. Call once, when clients can reach this broker. In a cluster the same happens at
     * every takeover after this call.
     */
    public void startTimers() {
        loop.execute(() -> {
            timersAllowed = true;
            if (loaded != null) {
                enqueueAfterLoad(loaded);
            }
        });
    }

    private void enqueueAfterLoad(LoadedState load) {
        enqueue(ctx -> {
            if (loaded == load) {
                afterLoad(ctx, load);
            }
        });
    }

    private void afterLoad(OperationContext ctx, LoadedState load) {
        GroupStateMachine state = load.state();
        for (GroupKind group : state.groups()) {
            if (group instanceof ClassicGroup classic) {
                for (ClassicMember member : classic.members()) {
                    state.classicJoins().scheduleHeartbeatExpiry(ctx, classic, member.memberId(), member.sessionTimeoutMs());
                }
            }
        }
        state.consumer().onLoad(ctx);
        scheduleExpiry(ctx);
        load.transactions().onLoad(ctx);
    }

    /**
     * Cluster mode: this node leads the coordinator group in {@code term}, having applied everything
     * committed before it. It takes over from the committed state and serves. Any thread.
     */
    public void becameLeader(long term) {
        loop.execute(() -> takeOver(term));
    }

    /** Cluster mode: this node no longer leads the coordinator group; it stops serving. Any thread. */
    public void lostLeadership() {
        loop.execute(() -> stepDown("another node leads the coordinator group"));
    }

    private void takeOver(long term) {
        if (closed || committed == null) {
            return;
        }
        stepDown("taking over again in term " + term);
        long startNs = System.nanoTime();
        GroupStateMachine state = new GroupStateMachine(config, topics);
        List<CoordinatorRecord> records = committed.liveRecords();
        long nowMs = clock.millis();
        records.forEach(record -> state.replay(record, nowMs));
        ((QuorumCoordinatorLog) log).lead(term);
        loaded = load(state);
        publishTransactions();
        LOG.info("Coordinating groups and transactions as leader of term {}: {} groups, offsets of {} groups and {}"
                + " transactional ids, from {} committed records in {} ms", term, state.groups().size(),
                state.offsets().groupIds().size(), state.transactions().all().size(), records.size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs));
        if (timersAllowed) {
            enqueueAfterLoad(loaded);
        }
        scheduleDrain();
    }

    private void stepDown(String why) {
        if (loaded == null) {
            return;
        }
        loaded.timer().cancelAll();
        loaded = null;
        transactionView.clear();
        LOG.info("No longer coordinating groups and transactions: {}", why);
    }

    /**
     * After a round the quorum did not commit: serve again once this node leads with nothing of its
     * own in flight (what it proposed is committed or dropped), so the committed state it starts from
     * is final; a new term's {@link #becameLeader} does the same sooner.
     */
    private void retakeLater() {
        scheduler.schedule(() -> loop.execute(() -> {
            if (closed || loaded != null) {
                return;
            }
            long term = quorum.leadingTerm();
            if (term >= 0) {
                takeOver(term);
            } else {
                retakeLater();
            }
        }), RETAKE_DELAY_MS, TimeUnit.MILLISECONDS);
    }

    /** Publishes the durable state of transactions changed since the last call (coordinator thread, after a flush). */
    private void publishTransactions() {
        GroupStateMachine state = loaded.state();
        for (String id : state.transactions().drainChanged()) {
            transactionView.publish(id, state.transactions().get(id));
        }
    }

    /** The transaction coordinator, which runs on this coordinator's thread and journal. */
    public TransactionCoordinator transactions() {
        return new TransactionCoordinator(this, transactionView);
    }

    private void scheduleExpiry(OperationContext ctx) {
        ctx.timer().schedule(EXPIRY_KEY, config.offsetsRetentionCheckIntervalMs(), c -> {
            loaded.state().offsetRequests().expire(c);
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
        return this.<JoinGroupResponseData>submit((ctx, live, future) ->
                        live.state().classicJoins().join(ctx, request, client, future))
                .thenApply(response -> new JoinGroupResponse(response, version).data());
    }

    public CompletableFuture<SyncGroupResponseData> syncGroup(SyncGroupRequestData request) {
        return submit((ctx, live, future) -> live.state().classicSessions().sync(ctx, request, future));
    }

    public CompletableFuture<HeartbeatResponseData> heartbeat(HeartbeatRequestData request) {
        return submit((ctx, live, future) -> ctx.respond(future, live.state().classicSessions().heartbeat(ctx, request)));
    }

    public CompletableFuture<LeaveGroupResponseData> leaveGroup(LeaveGroupRequestData request, short version) {
        return submit((ctx, live, future) ->
                ctx.respond(future, live.state().classicSessions().leave(ctx, request, version)));
    }

    public CompletableFuture<OffsetCommitResponseData> commitOffsets(OffsetCommitRequestData request, short version) {
        return submit((ctx, live, future) ->
                ctx.respond(future, live.state().offsetRequests().commit(request, version, ctx)));
    }

    /** Committed offsets of one group; answered once every earlier write is durable. */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request) {
        return fetchOffsets(request, false);
    }

    /** As {@link #fetchOffsets(OffsetFetchRequestGroup)}; with {@code requireStable}, pending transactional offsets are reported. */
    public CompletableFuture<OffsetFetchResponseGroup> fetchOffsets(OffsetFetchRequestGroup request, boolean requireStable) {
        return submit((ctx, live, future) ->
                ctx.respond(future, live.state().offsetRequests().fetch(request, requireStable)));
    }

    public CompletableFuture<OffsetDeleteResponseData> deleteOffsets(OffsetDeleteRequestData request) {
        return submit((ctx, live, future) -> ctx.respond(future, live.state().offsetRequests().delete(request, ctx)));
    }

    public CompletableFuture<List<DescribedGroup>> describeGroups(List<String> groupIds, short version) {
        return submit((ctx, live, future) -> ctx.respond(future, live.state().admin().describe(groupIds, version)));
    }

    public CompletableFuture<List<ListedGroup>> listGroups(Set<String> statesFilter, Set<String> typesFilter) {
        return submit((ctx, live, future) -> ctx.respond(future, live.state().admin().list(statesFilter, typesFilter)));
    }

    public CompletableFuture<List<DeletableGroupResult>> deleteGroups(List<String> groupIds) {
        return submit((ctx, live, future) -> ctx.respond(future, live.state().admin().delete(groupIds, ctx)));
    }

    public CompletableFuture<ConsumerGroupHeartbeatResponseData> consumerGroupHeartbeat(
            ConsumerGroupHeartbeatRequestData request, String clientId, String clientHost, short version) {
        ClassicGroupStateMachine.Client client = new ClassicGroupStateMachine.Client(clientId, clientHost, version);
        return submit((ctx, live, future) ->
                ctx.respond(future, live.state().consumer().heartbeat(ctx, request, client)));
    }

    public CompletableFuture<List<ConsumerGroupDescribeResponseData.DescribedGroup>> consumerGroupDescribe(
            List<String> groupIds, short version) {
        return submit((ctx, live, future) ->
                ctx.respond(future, live.state().consumerDescriber().describe(groupIds, version)));
    }

    /** Every group's committed offsets and member count, for the metrics scrape. */
    public CompletableFuture<GroupsSnapshot> snapshot() {
        return submit((ctx, live, future) -> ctx.respond(future, GroupsSnapshot.of(live.state())));
    }

    /** The body of a request's operation: it reads and changes {@code live} and answers {@code future}. */
    @FunctionalInterface
    interface RequestOperation<T> {
        void run(OperationContext ctx, LoadedState live, CompletableFuture<T> future);
    }

    <T> CompletableFuture<T> submit(RequestOperation<T> body) {
        CompletableFuture<T> future = new CompletableFuture<>();
        if (failure != null || closed) {
            future.completeExceptionally(notCoordinator());
            return future;
        }
        enqueue(ctx -> {
            LoadedState live = loaded;
            if (live == null) {
                future.completeExceptionally(notCoordinator());
                return;
            }
            try {
                body.run(ctx, live, future);
            } catch (RuntimeException e) {
                LOG.error("Coordinator operation failed", e);
                future.completeExceptionally(e);
            }
        });
        return future;
    }

    private NotCoordinatorException notCoordinator() {
        if (failure != null) {
            return new NotCoordinatorException(failure);
        }
        return new NotCoordinatorException(closed ? "The group coordinator is shutting down"
                : "This node does not coordinate groups and transactions now");
    }

    private void enqueue(Operation operation) {
        if (closed) {
            return;
        }
        queue.add(operation);
        scheduleDrain();
    }

    private void scheduleDrain() {
        if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
            loop.execute(this::drain);
        }
    }

    private void drain() {
        try {
            if (!awaitingCommit) {
                runRound();
            }
        } finally {
            draining.set(false);
            if (!awaitingCommit) {
                scheduleDrain();
            }
        }
    }

    /** One group-commit round: run queued operations, append their records, make them durable once, then answer. */
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

    /** The context of one round: collects records per operation and responses for after the commit. */
    private final class Round implements OperationContext {
        private final long nowMs = clock.millis();
        private final long roundGeneration = generation;
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
            loaded.state().replay(record, nowMs);
            pending.add(record);
        }

        @Override
        public <T> void respond(CompletableFuture<T> future, T value) {
            futures.add(future);
            responses.add(() -> future.complete(value));
        }

        @Override
        public CoordinatorTimer timer() {
            return loaded.timer();
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
                log.append(List.copyOf(pending));
                wrote = true;
            } catch (IOException e) {
                fail("append", e);
            }
            pending.clear();
        }

        void finish() {
            CompletableFuture<Void> durable = CompletableFuture.completedFuture(null);
            if (wrote && failure == null) {
                try {
                    durable = log.commit();
                } catch (IOException e) {
                    fail("fsync", e);
                }
            }
            if (durable.isDone()) {
                release(durable);
                return;
            }
            awaitingCommit = true;
            CompletableFuture<Void> awaited = durable;
            awaited.whenComplete((ok, error) -> loop.execute(() -> {
                awaitingCommit = false;
                release(awaited);
                scheduleDrain();
            }));
        }

        private void release(CompletableFuture<Void> durable) {
            if (failure != null) {
                NotCoordinatorException error = new NotCoordinatorException(failure);
                futures.forEach(f -> f.completeExceptionally(error));
                return;
            }
            if (durable.isCompletedExceptionally()) {
                uncommitted(durable);
                return;
            }
            // A round of an earlier load: its answers are true, but its follow-ups belong to a state gone.
            if (loaded != null && loaded.generation() == roundGeneration) {
                publishTransactions();
                afterFlush.forEach(Runnable::run);
            }
            responses.forEach(Runnable::run);
            maybeCompact();
        }

        private void uncommitted(CompletableFuture<Void> durable) {
            String cause = durable.handle((ok, error) -> String.valueOf(error)).join();
            NotCoordinatorException error = new NotCoordinatorException(
                    "This node stopped coordinating before its writes were committed");
            futures.forEach(f -> f.completeExceptionally(error));
            if (loaded != null && loaded.generation() == roundGeneration) {
                stepDown("a round was not committed (" + cause + ")");
                retakeLater();
            }
        }
    }

    private void maybeCompact() {
        if (loaded == null) {
            return;
        }
        try {
            log.compact(loaded.state()::liveRecords);
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
                    if (loaded != null) {
                        loaded.timer().cancelAll();
                    }
                    log.close();
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
