package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.SaslHandshakeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.FetchResponse;
import org.apache.kafka.common.requests.ProduceResponse;
import org.junit.jupiter.api.Test;

class ResponseErrorsTest {

    private static final Errors[] SOME_ERRORS = {Errors.NONE, Errors.NONE, Errors.NONE, Errors.NOT_LEADER_OR_FOLLOWER,
        Errors.UNKNOWN_TOPIC_OR_PARTITION, Errors.KAFKA_STORAGE_ERROR, Errors.OFFSET_OUT_OF_RANGE};

    /** Collects what the walker reports. */
    private static final class Tally implements ResponseErrors.Sink {
        final Map<Errors, Integer> counts = new EnumMap<>(Errors.class);

        @Override
        public void error(Errors error, int count) {
            counts.merge(error, count, Integer::sum);
        }
    }

    private static Tally count(ApiKeys api, ApiMessage body, short version) {
        Tally tally = new Tally();
        ResponseErrors.count(api, body, version, tally);
        return tally;
    }

    private static Map<Errors, Integer> withoutNone(Map<Errors, Integer> kafkaCounts) {
        Map<Errors, Integer> out = new EnumMap<>(Errors.class);
        kafkaCounts.forEach((error, n) -> {
            if (error != Errors.NONE && n > 0) {
                out.put(error, n);
            }
        });
        return out;
    }

    @Test
    void shouldCountEveryPartitionErrorAndReturnTheFirstWhenAProduceResponseHasSeveral() {
        ProduceResponseData body = new ProduceResponseData();
        ProduceResponseData.TopicProduceResponse topic = new ProduceResponseData.TopicProduceResponse().setName("t");
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(0));
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(1)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(2)
                .setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code()));
        topic.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(3)
                .setErrorCode(Errors.CORRUPT_MESSAGE.code()));
        body.responses().add(topic);

        Tally tally = new Tally();
        Errors first = ResponseErrors.count(ApiKeys.PRODUCE, body, (short) 9, tally);

        assertThat(first).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
        assertThat(tally.counts).containsExactlyInAnyOrderEntriesOf(
                Map.of(Errors.NOT_LEADER_OR_FOLLOWER, 2, Errors.CORRUPT_MESSAGE, 1));
    }

    @Test
    void shouldReportNothingAndReturnNoneWhenAResponseHasNoError() {
        Tally tally = new Tally();
        Errors first = ResponseErrors.count(ApiKeys.FETCH, new FetchResponseData(), (short) 12, tally);

        assertThat(first).isEqualTo(Errors.NONE);
        assertThat(tally.counts).isEmpty();
    }

    @Test
    void shouldAgreeWithKafkasErrorCountsWhenProduceAndFetchResponsesAreRandom() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        for (int round = 0; round < 200; round++) {
            ProduceResponseData produce = new ProduceResponseData();
            FetchResponseData fetch = new FetchResponseData().setErrorCode(pick(random).code());
            for (int t = 0; t < random.nextInt(4); t++) {
                ProduceResponseData.TopicProduceResponse pt = new ProduceResponseData.TopicProduceResponse().setName("t" + t);
                FetchResponseData.FetchableTopicResponse ft = new FetchResponseData.FetchableTopicResponse().setTopic("t" + t);
                for (int p = 0; p < random.nextInt(6); p++) {
                    pt.partitionResponses().add(new ProduceResponseData.PartitionProduceResponse().setIndex(p)
                            .setErrorCode(pick(random).code()));
                    ft.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p)
                            .setErrorCode(pick(random).code()));
                }
                produce.responses().add(pt);
                fetch.responses().add(ft);
            }
            assertThat(count(ApiKeys.PRODUCE, produce, (short) 9).counts).as("seed %d", seed)
                    .isEqualTo(withoutNone(new ProduceResponse(produce).errorCounts()));
            assertThat(count(ApiKeys.FETCH, fetch, (short) 12).counts).as("seed %d", seed)
                    .isEqualTo(withoutNone(FetchResponse.of(fetch).errorCounts()));
        }
    }

    private static Errors pick(Random random) {
        return SOME_ERRORS[random.nextInt(SOME_ERRORS.length)];
    }

    @Test
    void shouldCountTopicAndPartitionErrorsWhenAMetadataResponseGoesThroughKafkasOwnCounts() {
        MetadataResponseData body = new MetadataResponseData();
        MetadataResponseData.MetadataResponseTopic missing = new MetadataResponseData.MetadataResponseTopic()
                .setName("missing").setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        MetadataResponseData.MetadataResponseTopic present = new MetadataResponseData.MetadataResponseTopic()
                .setName("present");
        present.partitions().add(new MetadataResponseData.MetadataResponsePartition().setPartitionIndex(0)
                .setErrorCode(Errors.LEADER_NOT_AVAILABLE.code()));
        body.topics().add(missing);
        body.topics().add(present);

        assertThat(count(ApiKeys.METADATA, body, (short) 12).counts).containsExactlyInAnyOrderEntriesOf(
                Map.of(Errors.UNKNOWN_TOPIC_OR_PARTITION, 1, Errors.LEADER_NOT_AVAILABLE, 1));
    }

    @Test
    void shouldCountTheTopLevelCodeWhenALeaveGroupResponseIsInItsV0Shape() {
        LeaveGroupResponseData body = new LeaveGroupResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());

        assertThat(count(ApiKeys.LEAVE_GROUP, body, (short) 0).counts)
                .containsExactlyEntriesOf(Map.of(Errors.UNKNOWN_MEMBER_ID, 1));
    }

    @Test
    void shouldCountNothingWhenAnyApiAnswersAnEmptyBodyAtAnyVersion() {
        for (ApiKeys api : ApiKeys.values()) {
            for (short version = api.oldestVersion(); version <= api.latestVersion(); version++) {
                ApiMessage body = ApiMessageType.fromApiKey(api.id).newResponse();
                if (api == ApiKeys.PRODUCE || api == ApiKeys.FETCH || !encodable(body, version)) {
                    continue;
                }
                Tally tally = new Tally();
                assertThat(ResponseErrors.count(api, body, version, tally)).as("%s v%d", api, version)
                        .isEqualTo(Errors.NONE);
            }
        }
    }

    private static boolean encodable(ApiMessage body, short version) {
        try {
            MessageUtil.toByteBufferAccessor(body, version);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Test
    void shouldCountThroughKafkasParserWhenTheApiIsNotOnTheDataPath() {
        SaslHandshakeResponseData body = new SaslHandshakeResponseData()
                .setErrorCode(Errors.UNSUPPORTED_SASL_MECHANISM.code());

        assertThat(count(ApiKeys.SASL_HANDSHAKE, body, (short) 1).counts)
                .containsExactlyEntriesOf(Map.of(Errors.UNSUPPORTED_SASL_MECHANISM, 1));
    }
}
