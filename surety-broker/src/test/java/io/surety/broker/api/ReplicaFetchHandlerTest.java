package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.FileSlice;
import io.surety.broker.partition.IsrProposal;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.TransactionVerifier;
import io.surety.broker.record.FileSliceRecords;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchRequestData.FetchTopic;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The leader's side of a follower's Fetch, against a real partition that this node (1) leads with
 * follower 2: reads go to the log end, the follower's fetch offset moves the high watermark and
 * may propose it into the ISR, a diverged follower is told where, one batch always comes back
 * (KIP-74), a waiting follower fetch is woken by a produce, and consumers are served by the leader
 * only, with its real epoch. The handler pool runs inline; the monotonic clock is manual.
 */
class ReplicaFetchHandlerTest {

    private static final short VERSION = 18;
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final long LONG_WAIT_MS = 60_000;

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private ScheduledExecutorService timer;
    private final AtomicLong monotonicMs = new AtomicLong();
    private final List<IsrProposal> proposed = new ArrayList<>();
    private ReplicaServing serving;
    private FetchHandler handler;
    private Partition partition;

    @BeforeEach
    void createTopic() throws IOException {
        fixture = new HandlerFixture(dataDir);
        fixture.createTopic("events", TOPIC_ID, 1);
        partition = fixture.partition("events", 0);
        timer = Executors.newSingleThreadScheduledExecutor();
        serving = new ReplicaServing(new PartitionWatchers(), (p, proposal) -> proposed.add(proposal), monotonicMs::get);
        handler = new FetchHandler(fixture.topics, fixture.partitions, fixture.metrics.topics(),
                new FetchWaiting(fixture.clock, timer, Runnable::run, fixture.watchers), serving);
    }

    @AfterEach
    void close() {
        timer.shutdownNow();
        fixture.close();
    }

    @Test
    void shouldReadToTheLogEndAndMoveTheHighWatermarkOnlyWhenTheFollowerFetchesPastIt() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        append("a", "b", "c");
        assertThat(partition.highWatermark()).as("the follower has not fetched yet").isZero();

        PartitionData first = onlyPartition(fetch(follower(0, 1, -1, 1 << 20)).join());
        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(offsets(first)).containsExactly(0L, 1L, 2L);
        assertThat(first.highWatermark()).isZero();

        PartitionData second = onlyPartition(fetch(follower(3, 1, 1, 1 << 20)).join());
        assertThat(second.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(second.records().sizeInBytes()).isZero();
        assertThat(second.highWatermark()).isEqualTo(3);
        assertThat(partition.highWatermark()).isEqualTo(3);
        assertThat(proposed).as("follower 2 is in the ISR already").isEmpty();
    }

    @Test
    void shouldProposeTheFollowerForTheIsrWhenItCatchesUp() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1), 1);
        append("a", "b");

        onlyPartition(fetch(follower(0, 1, -1, 1 << 20)).join());
        assertThat(proposed).isEmpty();
        onlyPartition(fetch(follower(2, 1, 1, 1 << 20)).join());

        assertThat(proposed).hasSize(1);
        assertThat(proposed.get(0).newIsr()).containsExactly(1, 2);
        assertThat(proposed.get(0).brokerEpochs()).containsEntry(2, 7L);
    }

    @Test
    void shouldAnswerDivergingEpochWhenTheFollowersLastEpochEndsBelowItsOffset() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        append("a", "b", "c");
        HandlerFixture.lead(partition, 2, List.of(1, 2), List.of(1, 2), 1);
        append("d");

        PartitionData result = onlyPartition(fetch(follower(5, 2, 1, 1 << 20)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.divergingEpoch().epoch()).isEqualTo(1);
        assertThat(result.divergingEpoch().endOffset()).isEqualTo(3);
        assertThat(result.records().sizeInBytes()).isZero();
        assertThat(partition.highWatermark()).as("a diverging fetch is no progress").isZero();
    }

    @Test
    void shouldReturnOneWholeBatchWhenItIsLargerThanTheLimits() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        append("a", "b", "c");
        append("d");

        FetchRequestData request = follower(0, 1, -1, 1).setMaxBytes(1);
        PartitionData result = onlyPartition(fetch(request).join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(offsets(result)).containsExactly(0L, 1L, 2L);
    }

    @Test
    void shouldRefuseFetchesWithKafkasErrorsWhenTheEpochOrRoleDoNotMatch() throws Exception {
        HandlerFixture.lead(partition, 3, List.of(1, 2), List.of(1, 2), 1);
        assertThat(onlyPartition(fetch(follower(0, 2, -1, 100)).join()).errorCode())
                .isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(onlyPartition(fetch(follower(0, 4, -1, 100)).join()).errorCode())
                .isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
        assertThat(onlyPartition(fetch(consumer(0, 2)).join()).errorCode()).isEqualTo(Errors.FENCED_LEADER_EPOCH.code());
        assertThat(onlyPartition(fetch(consumer(0, 4)).join()).errorCode()).isEqualTo(Errors.UNKNOWN_LEADER_EPOCH.code());
        assertThat(onlyPartition(fetch(consumer(0, 3)).join()).errorCode()).isEqualTo(Errors.NONE.code());

        assertThat(partition.replication().becomeFollower(2, 4)).isTrue();
        assertThat(onlyPartition(fetch(follower(0, 4, -1, 100)).join()).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(onlyPartition(fetch(consumer(0, -1)).join()).errorCode())
                .as("fetch from follower (KIP-392) is not served").isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    @Test
    void shouldAnswerOffsetOutOfRangeWithTheLeadersLogStart() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        append("a", "b");

        PartitionData result = onlyPartition(fetch(follower(9, 1, -1, 100)).join());

        assertThat(result.errorCode()).isEqualTo(Errors.OFFSET_OUT_OF_RANGE.code());
        assertThat(result.logStartOffset()).isZero();
        assertThat(result.highWatermark()).isZero();
    }

    @Test
    void shouldNameTheFollowerByTheTopLevelReplicaIdBeforeVersion15() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        append("a");
        FetchRequestData old = follower(1, 1, 1, 100).setReplicaState(new FetchRequestData.ReplicaState()).setReplicaId(2);

        PartitionData result = onlyPartition(handler.handle(HandlerFixture.request(new FetchRequest(old, (short) 14)))
                .thenApply(r -> (FetchResponseData) ((ApiResponse.Send) r).body()).join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partition.highWatermark()).isEqualTo(1);
    }

    @Test
    void shouldWakeAWaitingFollowerFetchWhenAProduceMovesTheLogEnd() throws Exception {
        HandlerFixture.lead(partition, 1, List.of(1, 2), List.of(1, 2), 1);
        CompletableFuture<FetchResponseData> waiting = fetch(follower(0, 1, -1, 1 << 20).setMinBytes(1)
                .setMaxWaitMs((int) LONG_WAIT_MS));
        assertThat(waiting).isNotDone();

        ProduceHandler produce = new ProduceHandler(fixture.topics, fixture.partitions, fixture.flusher,
                fixture.metrics.topics(), TransactionVerifier.NONE, fixture.clock, timer, serving, Optional.empty());
        ProduceRequestData data = new ProduceRequestData().setAcks((short) 1).setTimeoutMs(30_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("events"));
        data.topicData().iterator().next().partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(ProduceHandlerTest.records("late")));
        produce.handle(HandlerFixture.request(new ProduceRequest(data, (short) 11))).join();

        assertThat(waiting).isDone();
        assertThat(offsets(onlyPartition(waiting.join()))).containsExactly(0L);
        assertThat(partition.highWatermark()).as("a consumer still sees nothing").isZero();
    }

    private void append(String... values) throws Exception {
        ProducedBatch batch = ProducedBatch.parse(ProduceHandlerTest.records(values), null);
        assertThat(partition.append(batch, HandlerFixture.T0).error()).isEqualTo(Errors.NONE);
    }

    private CompletableFuture<FetchResponseData> fetch(FetchRequestData data) {
        return handler.handle(HandlerFixture.request(new FetchRequest(data, VERSION)))
                .thenApply(response -> (FetchResponseData) ((ApiResponse.Send) response).body());
    }

    /** Follower 2 (broker epoch 7) fetching from {@code offset}, as Fetch v15+ names it. */
    private static FetchRequestData follower(long offset, int currentLeaderEpoch, int lastFetchedEpoch, int partitionMaxBytes) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1)
                .setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(2).setReplicaEpoch(7));
        FetchTopic topic = new FetchTopic().setTopicId(TOPIC_ID);
        topic.partitions().add(new FetchPartition().setPartition(0).setFetchOffset(offset)
                .setPartitionMaxBytes(partitionMaxBytes).setCurrentLeaderEpoch(currentLeaderEpoch)
                .setLastFetchedEpoch(lastFetchedEpoch));
        data.topics().add(topic);
        return data;
    }

    private static FetchRequestData consumer(long offset, int currentLeaderEpoch) {
        FetchRequestData data = new FetchRequestData().setReplicaId(-1).setMaxWaitMs(0).setMinBytes(0)
                .setMaxBytes(1 << 20).setSessionId(0).setSessionEpoch(-1);
        FetchTopic topic = new FetchTopic().setTopicId(TOPIC_ID);
        topic.partitions().add(new FetchPartition().setPartition(0).setFetchOffset(offset).setPartitionMaxBytes(1 << 20)
                .setCurrentLeaderEpoch(currentLeaderEpoch));
        data.topics().add(topic);
        return data;
    }

    private static PartitionData onlyPartition(FetchResponseData response) {
        assertThat(response.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(response.responses()).hasSize(1);
        assertThat(response.responses().get(0).partitions()).hasSize(1);
        return response.responses().get(0).partitions().get(0);
    }

    /** The offset of every record returned, read back from the segment file. */
    private static List<Long> offsets(PartitionData result) throws IOException {
        List<Long> offsets = new ArrayList<>();
        if (!(result.records() instanceof FileSliceRecords records)) {
            return offsets;
        }
        FileSlice slice = records.slice();
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
        Utils.readFully(slice.channel(), bytes, slice.position());
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes.flip()).batches()) {
            batch.forEach(record -> offsets.add(record.offset()));
        }
        return offsets;
    }
}
