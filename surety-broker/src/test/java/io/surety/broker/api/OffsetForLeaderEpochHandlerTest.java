package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.record.ProducedBatch;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderPartition;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopic;
import org.apache.kafka.common.message.OffsetForLeaderEpochRequestData.OffsetForLeaderTopicCollection;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData;
import org.apache.kafka.common.message.OffsetForLeaderEpochResponseData.EpochEndOffset;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetsForLeaderEpochRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OffsetForLeaderEpoch as a consumer sends it, against a real partition: answers come from the
 * epoch cache, current epochs are checked as Kafka does, unknown partitions are errors.
 */
class OffsetForLeaderEpochHandlerTest {

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private OffsetForLeaderEpochHandler handler;

    @BeforeEach
    void createTopic() throws Exception {
        fixture = new HandlerFixture(dataDir);
        fixture.createTopic("events", 1);
        handler = new OffsetForLeaderEpochHandler(fixture.topics, fixture.partitions);
        for (int i = 0; i < 4; i++) {
            ProducedBatch batch = ProducedBatch.parse(ProduceHandlerTest.records("a", "b"), null);
            fixture.partition("events", 0).append(batch, HandlerFixture.T0);
        }
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    @Test
    void shouldEndCurrentEpochAtLogEnd() throws Exception {
        assertThat(ask("events", 0, -1, 0)).isEqualTo(answer(Errors.NONE, 0, 8));
        assertThat(ask("events", 0, 0, 0)).isEqualTo(answer(Errors.NONE, 0, 8));
    }

    @Test
    void shouldAnswerUndefinedForEpochAboveEveryKnownOne() throws Exception {
        assertThat(ask("events", 0, -1, 3)).isEqualTo(answer(Errors.NONE, -1, -1));
    }

    @Test
    void shouldCheckCurrentLeaderEpochAsKafkaDoes() throws Exception {
        assertThat(ask("events", 0, 1, 0)).isEqualTo(answer(Errors.UNKNOWN_LEADER_EPOCH, -1, -1));
    }

    @Test
    void shouldAnswerFromTheCacheOnALeaderAndNotLeaderOnAFollower() throws Exception {
        HandlerFixture.lead(fixture.partition("events", 0), 2, List.of(1, 2), List.of(1, 2), 1);
        assertThat(ask("events", 0, 2, 0)).isEqualTo(answer(Errors.NONE, 0, 8));
        assertThat(ask("events", 0, 2, 2)).isEqualTo(answer(Errors.NONE, 2, 8));

        assertThat(fixture.partition("events", 0).replication().becomeFollower(2, 3)).isTrue();
        assertThat(ask("events", 0, 2, 0)).isEqualTo(answer(Errors.FENCED_LEADER_EPOCH, -1, -1));
        assertThat(ask("events", 0, 3, 0)).isEqualTo(answer(Errors.NOT_LEADER_OR_FOLLOWER, -1, -1));
    }

    @Test
    void shouldAnswerErrorForUnknownPartition() throws Exception {
        assertThat(ask("events", 5, -1, 0)).isEqualTo(answer(Errors.UNKNOWN_TOPIC_OR_PARTITION, -1, -1));
        assertThat(ask("missing", 0, -1, 0)).isEqualTo(answer(Errors.UNKNOWN_TOPIC_OR_PARTITION, -1, -1));
    }

    private static EpochEndOffset answer(Errors error, int epoch, long endOffset) {
        return new EpochEndOffset().setErrorCode(error.code()).setLeaderEpoch(epoch).setEndOffset(endOffset);
    }

    private EpochEndOffset ask(String topic, int partition, int currentEpoch, int epoch) throws Exception {
        OffsetForLeaderTopicCollection topics = new OffsetForLeaderTopicCollection();
        topics.add(new OffsetForLeaderTopic().setTopic(topic).setPartitions(List.of(new OffsetForLeaderPartition()
                .setPartition(partition).setCurrentLeaderEpoch(currentEpoch).setLeaderEpoch(epoch))));
        OffsetsForLeaderEpochRequest request = OffsetsForLeaderEpochRequest.Builder.forConsumer(topics).build((short) 4);
        ApiResponse response = handler.handle(HandlerFixture.request(request)).get();
        OffsetForLeaderEpochResponseData data = (OffsetForLeaderEpochResponseData) ((ApiResponse.Send) response).body();
        EpochEndOffset out = data.topics().iterator().next().partitions().get(0);
        return out.setPartition(0);
    }

}
