package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every request the broker serves, at every version it advertises, against a partition that
 * holds data: each must get exactly one response that decodes completely at that version, with
 * no error, on a connection that stays open. A response field set at a version that cannot carry
 * it fails encoding, which would otherwise leave the client waiting.
 */
class EveryVersionIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-every-version-");

    @Test
    void shouldAnswerEveryRequestWhenSentAtAnyServedVersion() throws Exception {
        try (SuretyBroker broker = TestBrokers.startWithTopics(DATA.dir(), 2, List.of("fuzz"),
                Map.of("auto.create.topics.enable", "false"));
                RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            for (int partition = 0; partition < 2; partition++) {
                for (int i = 0; i < 5; i++) {
                    produce(connection, partition);
                }
            }
            ApiVersionsResponseData versions = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                    new ApiVersionsRequest.Builder().build((short) 3).data());
            Map<ApiKeys, short[]> served = new TreeMap<>();
            versions.apiKeys().forEach(v -> served.put(ApiKeys.forId(v.apiKey()), new short[] {v.minVersion(), v.maxVersion()}));
            BrokerFraming.Supported supported = (key, version) -> served.containsKey(key)
                    && version >= served.get(key)[0] && version <= served.get(key)[1];
            MetadataResponseData metadata = connection.call(ApiKeys.METADATA, (short) 12, new MetadataRequestData()
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("fuzz"))));
            FrameFuzzer fuzzer = FrameFuzzer.forTopic("fuzz", metadata.topics().find("fuzz").topicId(), supported,
                    1 << 20);
            BrokerFraming framing = new BrokerFraming(1 << 20, supported);

            List<String> answered = new ArrayList<>();
            for (byte[] frame : fuzzer.templates()) {
                ByteBuffer header = ByteBuffer.wrap(frame, 4, frame.length - 4).slice();
                RequestHeader parsed = RequestHeader.parse(header);
                String what = parsed.apiKey() + " v" + parsed.apiVersion();
                if (framing.expect(java.util.Arrays.copyOfRange(frame, 4, frame.length)) instanceof BrokerFraming.Silent) {
                    continue;
                }
                int correlationId = connection.nextCorrelationId();
                ByteBuffer.wrap(frame).putInt(8, correlationId);
                connection.send(frame);
                ApiMessage response = connection.readResponse(parsed.apiKey(), parsed.apiVersion(), correlationId);
                assertNoError(what, response);
                answered.add(what);
            }
            System.out.println("EveryVersionIT answered " + answered.size() + " requests: " + answered);
            assertThat(answered).contains("LIST_OFFSETS v1", "FETCH v4", "PRODUCE v3", "METADATA v0", "API_VERSIONS v0");
        }
    }

    private static void assertNoError(String what, ApiMessage response) {
        if (response instanceof ProduceResponseData produce) {
            produce.responses().forEach(t -> t.partitionResponses().forEach(p ->
                    assertThat(Errors.forCode(p.errorCode())).as(what).isEqualTo(Errors.NONE)));
        } else if (response instanceof FetchResponseData fetch) {
            assertThat(Errors.forCode(fetch.errorCode())).as(what).isEqualTo(Errors.NONE);
            fetch.responses().forEach(t -> t.partitions().forEach(p ->
                    assertThat(Errors.forCode(p.errorCode())).as(what).isEqualTo(Errors.NONE)));
        } else if (response instanceof ListOffsetsResponseData listOffsets) {
            listOffsets.topics().forEach(t -> t.partitions().forEach(p -> {
                assertThat(Errors.forCode(p.errorCode())).as(what).isEqualTo(Errors.NONE);
                assertThat(p.offset()).as(what).isNotNegative();
            }));
        } else if (response instanceof MetadataResponseData metadata) {
            metadata.topics().forEach(t -> assertThat(Errors.forCode(t.errorCode())).as(what).isEqualTo(Errors.NONE));
        } else if (response instanceof ApiVersionsResponseData apiVersions) {
            assertThat(Errors.forCode(apiVersions.errorCode())).as(what).isEqualTo(Errors.NONE);
        }
    }

    private static void produce(RawKafkaConnection connection, int partition) throws Exception {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("fuzz").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition).setRecords(MemoryRecords.withRecords(
                        Compression.NONE, new SimpleRecord(System.currentTimeMillis(),
                                "v".getBytes(StandardCharsets.UTF_8)))))));
        ProduceResponseData response = connection.call(ApiKeys.PRODUCE, (short) 11,
                new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000).setTopicData(topics));
        assertThat(response.responses().iterator().next().partitionResponses().get(0).errorCode())
                .isEqualTo(Errors.NONE.code());
    }
}
