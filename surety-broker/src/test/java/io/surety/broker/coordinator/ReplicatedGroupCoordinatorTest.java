package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.GroupConfig;
import io.surety.broker.config.TransactionConfig;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The group coordinator of a cluster node, against a quorum the test commits by hand: it answers
 * only what the quorum committed, refuses while it does not lead, and after a lost or failed round
 * serves from the committed state alone.
 */
class ReplicatedGroupCoordinatorTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final GroupConfig CONFIG = BrokerConfig.of(Map.of()).groups();
    private static final TopicView ONE_TOPIC = new TopicView() {
        private final Topic topic = new Topic("t", new Uuid(1, 1), 1);

        @Override
        public Topic byName(String name) {
            return name.equals("t") ? topic : null;
        }

        @Override
        public Topic byId(Uuid id) {
            return id.equals(topic.id()) ? topic : null;
        }

        @Override
        public Collection<Topic> all() {
            return List.of(topic);
        }
    };

    private ExecutorService loop;
    private ScheduledExecutorService scheduler;
    private CommittedCoordinatorState committed;
    private ManualQuorum quorum;
    private GroupCoordinator coordinator;

    @BeforeEach
    void setUp() {
        loop = Executors.newSingleThreadExecutor();
        scheduler = Executors.newSingleThreadScheduledExecutor();
        committed = new CommittedCoordinatorState(CONFIG, ONE_TOPIC, Clock.systemUTC());
        quorum = new ManualQuorum(committed);
        coordinator = GroupCoordinator.replicated(committed, quorum, CONFIG, TransactionConfig.defaults(), () -> 1L,
                (producerId, epoch, commit, partitions) -> CompletableFuture.completedFuture(null), ONE_TOPIC,
                Clock.systemUTC(), loop, scheduler);
        coordinator.startTimers();
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        coordinator.close();
        scheduler.shutdownNow();
        loop.shutdownNow();
        assertThat(loop.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void shouldRefuseWithNotCoordinatorWhileThisNodeDoesNotLeadTheGroup() {
        assertThatThrownBy(() -> commit(5).get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NotCoordinatorException.class);
    }

    @Test
    void shouldAnswerACommitOnlyOnceTheQuorumHasCommittedIt() throws Exception {
        lead(1);
        CompletableFuture<OffsetCommitResponseData> answer = commit(5);
        Proposal proposal = quorum.next();

        assertThat(proposal.term()).isEqualTo(1);
        assertThat(answer).isNotDone();
        quorum.commit(proposal);
        assertThat(errorOf(answer.get(10, TimeUnit.SECONDS))).isEqualTo(Errors.NONE);
        assertThat(committedOffset(committed)).isEqualTo(5);
    }

    @Test
    void shouldForgetUncommittedWritesWhenLeadershipIsLostAndServeTheCommittedStateWhenLeadingAgain() throws Exception {
        lead(1);
        CompletableFuture<OffsetCommitResponseData> kept = commit(5);
        quorum.commit(quorum.next());
        kept.get(10, TimeUnit.SECONDS);
        CompletableFuture<OffsetCommitResponseData> lost = commit(9);
        Proposal uncommitted = quorum.next();

        coordinator.lostLeadership();
        quorum.fail(uncommitted);
        assertThatThrownBy(() -> lost.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NotCoordinatorException.class);
        assertThatThrownBy(() -> fetched(coordinator)).hasCauseInstanceOf(NotCoordinatorException.class);
        lead(2);

        await().atMost(TIMEOUT).ignoreExceptions().until(() -> fetched(coordinator) == 5);
        assertThat(committedOffset(committed)).isEqualTo(5);
    }

    @Test
    void shouldServeAgainFromTheCommittedStateAfterARoundFailsWhileStillLeading() throws Exception {
        lead(1);
        quorum.commit(quorum.next(commit(5)));
        CompletableFuture<OffsetCommitResponseData> failed = commit(9);

        quorum.fail(quorum.next());

        assertThatThrownBy(() -> failed.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(NotCoordinatorException.class);
        await().atMost(TIMEOUT).ignoreExceptions().until(() -> fetched(coordinator) == 5);
    }

    @Test
    void shouldRestoreTheCommittedStateFromItsSnapshot() throws Exception {
        lead(1);
        quorum.commit(quorum.next(commit(7)));
        ByteArrayOutputStream snapshot = new ByteArrayOutputStream();
        committed.writeSnapshot(snapshot);

        CommittedCoordinatorState restored = new CommittedCoordinatorState(CONFIG, ONE_TOPIC, Clock.systemUTC());
        restored.restore(new ByteArrayInputStream(snapshot.toByteArray()));

        assertThat(restored.liveRecords()).isEqualTo(committed.liveRecords()).isNotEmpty();
        assertThat(committedOffset(restored)).isEqualTo(7);
    }

    private void lead(long term) {
        quorum.term = term;
        coordinator.becameLeader(term);
    }

    private CompletableFuture<OffsetCommitResponseData> commit(long offset) {
        return coordinator.commitOffsets(new OffsetCommitRequestData().setGroupId("g").setGenerationIdOrMemberEpoch(-1)
                .setMemberId("").setTopics(List.of(new OffsetCommitRequestTopic().setName("t").setPartitions(List.of(
                        new OffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset))))), (short) 8);
    }

    private static long fetched(GroupCoordinator from) throws Exception {
        return from.fetchOffsets(new OffsetFetchRequestGroup().setGroupId("g").setTopics(null))
                .get(10, TimeUnit.SECONDS).topics().get(0).partitions().get(0).committedOffset();
    }

    private static long committedOffset(CommittedCoordinatorState state) {
        return state.liveRecords().stream().filter(r -> r instanceof CoordinatorRecord.OffsetCommitted)
                .map(r -> (CoordinatorRecord.OffsetCommitted) r).filter(r -> r.groupId().equals("g"))
                .mapToLong(CoordinatorRecord.OffsetCommitted::offset).max().orElse(-1);
    }

    private static Errors errorOf(OffsetCommitResponseData response) {
        return Errors.forCode(response.topics().get(0).partitions().get(0).errorCode());
    }

    record Proposal(long term, byte[] entry, CompletableFuture<Void> done) {
    }

    /** A quorum that keeps each proposal until the test commits it (applying it to the committed state) or fails it. */
    static final class ManualQuorum implements CoordinatorQuorum {
        private final BlockingQueue<Proposal> proposals = new LinkedBlockingQueue<>();
        private final CommittedCoordinatorState committed;
        volatile long term = -1;

        ManualQuorum(CommittedCoordinatorState committed) {
            this.committed = committed;
        }

        @Override
        public CompletableFuture<Void> propose(long proposerTerm, byte[] entry) {
            Proposal proposal = new Proposal(proposerTerm, entry, new CompletableFuture<>());
            proposals.add(proposal);
            return proposal.done();
        }

        @Override
        public long leadingTerm() {
            return term;
        }

        Proposal next() throws InterruptedException {
            Proposal proposal = proposals.poll(10, TimeUnit.SECONDS);
            assertThat(proposal).as("a proposal").isNotNull();
            return proposal;
        }

        /** The proposal of the operation whose answer is {@code pending} (which waits for it). */
        Proposal next(CompletableFuture<?> pending) throws InterruptedException {
            assertThat(pending).isNotDone();
            return next();
        }

        void commit(Proposal proposal) {
            committed.apply(proposal.entry());
            proposal.done().complete(null);
        }

        void fail(Proposal proposal) {
            proposal.done().completeExceptionally(new IllegalStateException("not committed in term " + proposal.term()));
        }
    }
}
