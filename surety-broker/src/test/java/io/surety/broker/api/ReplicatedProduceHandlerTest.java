package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.partition.IsrProposal;
import io.surety.broker.partition.IsrChangeSink;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.Replication;
import io.surety.broker.partition.TransactionVerifier;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.Optional;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData.ListOffsetsPartitionResponse;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produce and ListOffsets on a partition this node (1) leads with followers 2 and 3
 * ({@code min.insync.replicas=2}): acks=all answers only once the followers' fetch offsets carry
 * the high watermark past the batch, and otherwise with Kafka's errors; acks=1 answers at once; a
 * follower refuses; a leader whose high watermark lags its epoch start answers OFFSET_NOT_AVAILABLE.
 * The followers' fetches are made through the partition's replication methods, as the Fetch
 * handler makes them.
 */
class ReplicatedProduceHandlerTest {

    private static final short VERSION = 11;

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private ScheduledThreadPoolExecutor timer;
    private final AtomicLong monotonicMs = new AtomicLong();
    private ProduceHandler handler;
    private Partition partition;

    @BeforeEach
    void createTopic() throws Exception {
        fixture = new HandlerFixture(dataDir);
        fixture.createTopic("orders", 1);
        partition = fixture.partition("orders", 0);
        timer = new ScheduledThreadPoolExecutor(1);
        timer.setRemoveOnCancelPolicy(true);
        handler = new ProduceHandler(fixture.topics, fixture.partitions, fixture.flusher, fixture.metrics.topics(),
                TransactionVerifier.NONE, fixture.clock, timer,
                new ReplicaServing(new PartitionWatchers(), IsrChangeSink.NONE, monotonicMs::get), Optional.empty());
        HandlerFixture.lead(partition, 1, List.of(1, 2, 3), List.of(1, 2, 3), 2);
    }

    @AfterEach
    void close() {
        timer.shutdownNow();
        fixture.close();
    }

    @Test
    void shouldAnswerAcksAllOnlyWhenEveryIsrFollowerHasFetchedPastTheBatch() {
        CompletableFuture<ProduceResponseData> first = send((short) -1, 30_000, "a", "b");
        CompletableFuture<ProduceResponseData> second = send((short) -1, 30_000, "c");
        assertThat(first).isNotDone();

        followerFetched(2, 3);
        assertThat(first).as("follower 3 has not fetched").isNotDone();
        followerFetched(3, 2);

        assertThat(onlyPartition(first.join()).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(onlyPartition(first.join()).baseOffset()).isZero();
        assertThat(second).isNotDone();
        followerFetched(3, 3);
        assertThat(onlyPartition(second.join()).baseOffset()).isEqualTo(2);
        assertThat(timer.getQueue()).as("answered waits cancel their timeout").isEmpty();
    }

    @Test
    void shouldAnswerAcksOneAfterTheLocalAppend() {
        PartitionProduceResponse result = onlyPartition(send((short) 1, 30_000, "a").join());

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(partition.highWatermark()).isZero();
    }

    @Test
    void shouldAnswerRequestTimedOutWhenTheFollowersDoNotFetchWithinTimeoutMs() {
        CompletableFuture<ProduceResponseData> waiting = send((short) -1, 20, "a");

        PartitionProduceResponse result = onlyPartition(waiting.orTimeout(10, TimeUnit.SECONDS).join());

        assertThat(result.errorCode()).isEqualTo(Errors.REQUEST_TIMED_OUT.code());
        assertThat(partition.logEndOffset()).as("the batch was appended").isEqualTo(1);
    }

    @Test
    void shouldAnswerNotEnoughReplicasAfterAppendWhenTheIsrShrinksBelowTheMinimumMeanwhile() {
        CompletableFuture<ProduceResponseData> waiting = send((short) -1, 30_000, "a");
        Replication replication = partition.replication();
        IsrProposal shrink = replication.maybeShrinkIsr(Duration.ofMinutes(1).toMillis()).orElseThrow();
        assertThat(replication.isrChangeCommitted(shrink, 2, List.of(1))).isTrue();

        assertThat(onlyPartition(waiting.join()).errorCode()).isEqualTo(Errors.NOT_ENOUGH_REPLICAS_AFTER_APPEND.code());
        assertThat(onlyPartition(send((short) -1, 30_000, "b").join()).errorCode())
                .as("refused before the append now").isEqualTo(Errors.NOT_ENOUGH_REPLICAS.code());
        assertThat(partition.logEndOffset()).isEqualTo(1);
    }

    @Test
    void shouldAnswerNotLeaderWhenLeadershipIsLostWhileWaitingAndOnAFollower() {
        CompletableFuture<ProduceResponseData> waiting = send((short) -1, 30_000, "a");

        assertThat(partition.replication().becomeFollower(2, 2)).isTrue();

        assertThat(onlyPartition(waiting.join()).errorCode()).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
        assertThat(onlyPartition(send((short) 1, 30_000, "b").join()).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    @Test
    void shouldAnswerOffsetNotAvailableWhileTheHighWatermarkLagsTheEpochStart() {
        ListOffsetsHandler listOffsets = new ListOffsetsHandler(fixture.topics, fixture.partitions);
        send((short) 1, 30_000, "a", "b");
        HandlerFixture.lead(partition, 2, List.of(1, 2, 3), List.of(1, 2, 3), 2);

        assertThat(listOffset(listOffsets, ListOffsetsRequest.LATEST_TIMESTAMP).errorCode())
                .isEqualTo(Errors.OFFSET_NOT_AVAILABLE.code());
        assertThat(listOffset(listOffsets, HandlerFixture.T0).errorCode()).isEqualTo(Errors.OFFSET_NOT_AVAILABLE.code());
        assertThat(listOffset(listOffsets, ListOffsetsRequest.EARLIEST_TIMESTAMP).errorCode()).isEqualTo(Errors.NONE.code());

        followerFetched(2, 2);
        followerFetched(3, 2);
        ListOffsetsPartitionResponse latest = listOffset(listOffsets, ListOffsetsRequest.LATEST_TIMESTAMP);
        assertThat(latest.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(latest.offset()).isEqualTo(2);
        assertThat(latest.leaderEpoch()).as("latest carries the current epoch").isEqualTo(2);
        ListOffsetsPartitionResponse byTime = listOffset(listOffsets, HandlerFixture.T0);
        assertThat(byTime.offset()).isZero();
        assertThat(byTime.leaderEpoch()).as("the epoch of the batch found").isEqualTo(1);

        assertThat(partition.replication().becomeFollower(2, 3)).isTrue();
        assertThat(listOffset(listOffsets, ListOffsetsRequest.LATEST_TIMESTAMP).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    /** Follower {@code id}'s fetch from {@code offset} reached the leader. */
    private void followerFetched(int id, long offset) {
        assertThat(partition.replication().updateFollowerFetchState(id, -1, offset, 0, monotonicMs.get()).error())
                .isEqualTo(Errors.NONE);
    }

    private CompletableFuture<ProduceResponseData> send(short acks, int timeoutMs, String... values) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(timeoutMs);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName("orders"));
        data.topicData().iterator().next().partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(ProduceHandlerTest.records(values)));
        return handler.handle(HandlerFixture.request(new ProduceRequest(data, VERSION)))
                .thenApply(response -> (ProduceResponseData) ((ApiResponse.Send) response).body());
    }

    private static PartitionProduceResponse onlyPartition(ProduceResponseData response) {
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    private static ListOffsetsPartitionResponse listOffset(ListOffsetsHandler handler, long timestamp) {
        ListOffsetsRequest request = ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName("orders").setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0).setTimestamp(timestamp)
                                .setCurrentLeaderEpoch(-1))))).build((short) 9);
        ListOffsetsResponseData response = (ListOffsetsResponseData) ((ApiResponse.Send) handler.handle(
                HandlerFixture.request(request)).join()).body();
        return response.topics().get(0).partitions().get(0);
    }
}
