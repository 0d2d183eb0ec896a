package io.surety.broker.coordinator;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.config.TransactionConfig;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The transaction state machine on a manual clock: every transition, fencing, timeouts, Kafka's
 * error codes for requests out of order, and transactional offsets; after every step, replaying
 * the records written so far rebuilds the same durable state (checked by {@link ManualCoordinator}).
 * Markers are "written" by the test, which decides when they become durable.
 */
class TxnStateMachineTest {

    private static final String TXN = "tx";
    private static final TopicPartition T0 = new TopicPartition("t", 0);
    private static final TopicPartition T1 = new TopicPartition("t", 1);

    private record MarkerRequest(long producerId, short epoch, boolean commit, List<TopicPartition> partitions,
            CompletableFuture<Void> durable) {
    }

    private ManualCoordinator coordinator;
    private TransactionStateMachine txns;
    private TxnOffsetStateMachine offsets;
    private final Deque<Operation> queued = new ArrayDeque<>();
    private final List<MarkerRequest> markers = new ArrayList<>();
    private long nextProducerId = 1000;

    @BeforeEach
    void setUp() {
        coordinator = new ManualCoordinator(GroupConfig.defaults());
        coordinator.addTopic("t", 2);
        coordinator.addTopic("in", 1);
        TransactionConfig config = new TransactionConfig(60_000, 1_000, 3_600_000L, 60_000L, true, 86_400_000L);
        txns = new TransactionStateMachine(coordinator.state.transactions(), config, () -> nextProducerId++,
                this::write, queued::add);
        offsets = new TxnOffsetStateMachine(coordinator.state, txns, coordinator.config);
        coordinator.run(ctx -> txns.onLoad(ctx));
    }

    private CompletableFuture<Void> write(long producerId, short epoch, boolean commit, Collection<TopicPartition> tps) {
        MarkerRequest request = new MarkerRequest(producerId, epoch, commit, List.copyOf(tps), new CompletableFuture<>());
        markers.add(request);
        return request.durable();
    }

    /** Runs operations the state machine queued (marker writes and their completions). */
    private void drain() {
        while (!queued.isEmpty()) {
            coordinator.run(queued.poll());
        }
    }

    /** Makes every marker written so far durable and lets the coordinator complete its transactions. */
    private void markersDurable() {
        drain();
        List<MarkerRequest> pending = new ArrayList<>(markers);
        markers.clear();
        pending.forEach(m -> m.durable().complete(null));
        drain();
    }

    private InitProducerIdResponseData init(int timeoutMs, long producerId, short epoch) {
        CompletableFuture<InitProducerIdResponseData> future = new CompletableFuture<>();
        coordinator.run(ctx -> txns.initProducerId(ctx, new InitProducerIdRequestData().setTransactionalId(TXN)
                .setTransactionTimeoutMs(timeoutMs).setProducerId(producerId).setProducerEpoch(epoch), future));
        drain();
        return future.join();
    }

    private InitProducerIdResponseData init() {
        return init(10_000, -1, (short) -1);
    }

    private Errors add(InitProducerIdResponseData producer, TopicPartition... tps) {
        return coordinator.call(ctx -> txns.addPartitions(ctx, TXN, producer.producerId(), producer.producerEpoch(),
                List.of(tps)));
    }

    private CompletableFuture<Errors> end(InitProducerIdResponseData producer, boolean commit) {
        CompletableFuture<Errors> future = new CompletableFuture<>();
        coordinator.run(ctx -> txns.endTxn(ctx, TXN, producer.producerId(), producer.producerEpoch(), commit, future));
        drain();
        return future;
    }

    private TransactionSnapshot state() {
        return coordinator.state.transactions().get(TXN);
    }

    @Test
    void shouldCommitThroughPrepareAndMarkersWhenEndTxnCommits() {
        InitProducerIdResponseData producer = init();
        assertThat(producer.errorCode()).isZero();
        assertThat(producer.producerEpoch()).isZero();
        assertThat(add(producer, T0, T1)).isEqualTo(Errors.NONE);
        assertThat(state().status()).isEqualTo(TransactionStatus.ONGOING);
        CompletableFuture<Errors> ended = end(producer, true);
        assertThat(state().status()).isEqualTo(TransactionStatus.PREPARE_COMMIT);
        assertThat(markers).singleElement().satisfies(m -> {
            assertThat(m.commit()).isTrue();
            assertThat(m.partitions()).containsExactly(T0, T1);
        });
        assertThat(ended).as("answered only once the markers are durable").isNotDone();
        markersDurable();
        assertThat(ended.join()).isEqualTo(Errors.NONE);
        assertThat(state().status()).isEqualTo(TransactionStatus.COMPLETE_COMMIT);
        assertThat(state().partitions()).isEmpty();
        assertThat(end(producer, true).join()).as("a retried commit").isEqualTo(Errors.NONE);
        assertThat(end(producer, false).join()).isEqualTo(Errors.INVALID_TXN_STATE);
    }

    @Test
    void shouldRefuseRequestsOutOfOrderWithKafkasErrors() {
        InitProducerIdResponseData producer = init();
        assertThat(end(producer, true).join()).as("EndTxn with nothing begun").isEqualTo(Errors.INVALID_TXN_STATE);
        add(producer, T0);
        end(producer, true);
        assertThat(add(producer, T1)).as("AddPartitions during the commit").isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(end(producer, true).join()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS);
        assertThat(end(producer, false).join()).isEqualTo(Errors.INVALID_TXN_STATE);
        assertThat(init().errorCode()).isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        markersDurable();
        Errors wrongProducer = coordinator.call(ctx -> txns.addPartitions(ctx, TXN, 42, (short) 0, List.of(T0)));
        assertThat(wrongProducer).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        Errors unknownId = coordinator.call(ctx -> txns.addPartitions(ctx, "unknown", producer.producerId(), (short) 0,
                List.of(T0)));
        assertThat(unknownId).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
        assertThat(init(0, -1, (short) -1).errorCode()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT.code());
        assertThat(init(60_001, -1, (short) -1).errorCode()).isEqualTo(Errors.INVALID_TRANSACTION_TIMEOUT.code());
    }

    @Test
    void shouldFenceTheOldEpochAndAbortItsTransactionWhenAProducerReinitialises() {
        InitProducerIdResponseData zombie = init();
        add(zombie, T0);
        InitProducerIdResponseData first = init();
        assertThat(first.errorCode()).as("abort the ongoing transaction first").isEqualTo(Errors.CONCURRENT_TRANSACTIONS.code());
        assertThat(state().status()).isEqualTo(TransactionStatus.PREPARE_ABORT);
        assertThat(state().producerEpoch()).as("the abort fences the zombie's epoch").isEqualTo((short) 1);
        assertThat(markers).singleElement().satisfies(m -> assertThat(m.epoch()).isEqualTo((short) 1));
        markersDurable();
        InitProducerIdResponseData successor = init();
        assertThat(successor.errorCode()).isZero();
        assertThat(successor.producerId()).isEqualTo(zombie.producerId());
        assertThat(successor.producerEpoch()).isEqualTo((short) 2);
        assertThat(add(zombie, T1)).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(end(zombie, true).join()).isEqualTo(Errors.PRODUCER_FENCED);
        assertThat(init(10_000, zombie.producerId(), zombie.producerEpoch()).errorCode())
                .as("KIP-360 re-init with a fenced epoch").isEqualTo(Errors.PRODUCER_FENCED.code());
    }

    @Test
    void shouldBumpTheEpochOnceWhenAProducerReinitialisesWithItsIdAndEpoch() {
        InitProducerIdResponseData producer = init();
        InitProducerIdResponseData bumped = init(10_000, producer.producerId(), producer.producerEpoch());
        assertThat(bumped.producerEpoch()).isEqualTo((short) 1);
        assertThat(init(10_000, producer.producerId(), producer.producerEpoch()).producerEpoch())
                .as("a retry of that bump gets the same epoch").isEqualTo((short) 1);
    }

    @Test
    void shouldRotateTheProducerIdWhenTheEpochIsExhausted() {
        InitProducerIdResponseData producer = init();
        coordinator.run(ctx -> ctx.write(new TransactionSnapshot(TXN, producer.producerId(), -1, (short) (Short.MAX_VALUE - 1),
                (short) -1, 10_000, TransactionStatus.COMPLETE_COMMIT, List.of(), List.of(), -1, ctx.nowMs())));
        InitProducerIdResponseData rotated = init();
        assertThat(rotated.producerId()).isNotEqualTo(producer.producerId());
        assertThat(rotated.producerEpoch()).isZero();
        assertThat(state().previousProducerId()).isEqualTo(producer.producerId());
    }

    @Test
    void shouldAbortATransactionOpenPastItsTimeout() {
        InitProducerIdResponseData producer = init(5_000, -1, (short) -1);
        add(producer, T0);
        coordinator.advance(4_000);
        drain();
        assertThat(state().status()).isEqualTo(TransactionStatus.ONGOING);
        coordinator.advance(2_000);
        drain();
        assertThat(state().status()).isEqualTo(TransactionStatus.PREPARE_ABORT);
        markersDurable();
        assertThat(state().status()).isEqualTo(TransactionStatus.COMPLETE_ABORT);
        assertThat(end(producer, true).join()).as("the timed-out producer is fenced").isEqualTo(Errors.PRODUCER_FENCED);
    }

    @Test
    void shouldCompleteAPreparedTransactionAfterARestart() {
        InitProducerIdResponseData producer = init();
        add(producer, T0);
        end(producer, true);
        markers.clear();
        List<CoordinatorRecord> journal = List.copyOf(coordinator.written);
        setUp();
        journal.forEach(r -> coordinator.write(r));
        coordinator.run(ctx -> txns.onLoad(ctx));
        assertThat(markers).singleElement().satisfies(m -> assertThat(m.partitions()).containsExactly(T0));
        markersDurable();
        assertThat(state().status()).isEqualTo(TransactionStatus.COMPLETE_COMMIT);
    }

    @Test
    void shouldExposeTransactionalOffsetsOnlyWhenTheTransactionCommits() {
        InitProducerIdResponseData producer = init();
        assertThat(commitOffset(producer, 5).topics().get(0).partitions().get(0).errorCode())
                .as("group not added").isEqualTo(Errors.TRANSACTION_ABORTABLE.code());
        Errors added = coordinator.call(ctx -> txns.addOffsets(ctx, TXN, producer.producerId(), producer.producerEpoch(), "g"));
        assertThat(added).isEqualTo(Errors.NONE);
        assertThat(commitOffset(producer, 5).topics().get(0).partitions().get(0).errorCode()).isZero();
        assertThat(fetch(true).errorCode()).isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        assertThat(fetch(false).committedOffset()).isEqualTo(-1);
        end(producer, false);
        markersDurable();
        assertThat(fetch(true).committedOffset()).as("dropped on abort").isEqualTo(-1);
        assertThat(fetch(true).errorCode()).isZero();

        coordinator.call(ctx -> txns.addOffsets(ctx, TXN, producer.producerId(), producer.producerEpoch(), "g"));
        commitOffset(producer, 7);
        end(producer, true);
        assertThat(fetch(true).errorCode()).as("pending until the markers are written")
                .isEqualTo(Errors.UNSTABLE_OFFSET_COMMIT.code());
        markersDurable();
        assertThat(fetch(true).committedOffset()).isEqualTo(7);
    }

    private org.apache.kafka.common.message.TxnOffsetCommitResponseData commitOffset(InitProducerIdResponseData producer,
            long offset) {
        TxnOffsetCommitRequestData request = new TxnOffsetCommitRequestData().setTransactionalId(TXN).setGroupId("g")
                .setProducerId(producer.producerId()).setProducerEpoch(producer.producerEpoch()).setGenerationId(-1)
                .setMemberId("").setTopics(List.of(new TxnOffsetCommitRequestTopic().setName("in").setPartitions(List.of(
                        new TxnOffsetCommitRequestPartition().setPartitionIndex(0).setCommittedOffset(offset)))));
        return coordinator.call(ctx -> offsets.commit(ctx, request, (short) 4));
    }

    private org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions fetch(boolean stable) {
        OffsetFetchRequestGroup request = new OffsetFetchRequestGroup().setGroupId("g").setTopics(List.of(
                new OffsetFetchRequestTopics().setName("in").setPartitionIndexes(List.of(0))));
        return coordinator.state.offsetRequests().fetch(request, stable).topics().get(0).partitions().get(0);
    }
}
