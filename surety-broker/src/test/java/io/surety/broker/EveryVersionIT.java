package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.api.ServedVersions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiMessageType;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every request the broker serves, at every version it serves, through the real dispatcher.
 *
 * <p>Against {@link ServedVersions}: ApiVersions advertises exactly the table; every API at every
 * version in its served range gets exactly one response that decodes completely at that version,
 * without UNKNOWN_SERVER_ERROR or UNSUPPORTED_VERSION; one version above the range, and any
 * advertised version below it (Produce v0-v2), closes the connection without an answer, except
 * ApiVersions, which answers at v0 with UNSUPPORTED_VERSION and its range.
 *
 * <p>Against a partition that holds data, with the fuzzer's well-formed templates: each must get
 * one response with no error, on a connection that stays open. A response field set at a version
 * that cannot carry it fails encoding, which would otherwise leave the client waiting.
 */
class EveryVersionIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-every-version-");

    @Test
    void shouldAnswerEveryTableVersionAndCloseOutsideItWhenEachApiIsSent() throws Exception {
        try (SuretyBroker broker = TestBrokers.startWithTopics(DATA.dir().resolve("table"), 1, List.of("fuzz"),
                Map.of("auto.create.topics.enable", "false"))) {
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                ApiVersionsResponseData versions = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                        new ApiVersionsRequest.Builder().build((short) 3).data());
                assertThat(advertised(versions)).isEqualTo(advertised(ServedVersions.all()));

                List<String> answered = new ArrayList<>();
                for (ServedVersions.Range range : ServedVersions.all()) {
                    for (short version = range.min(); version <= range.max(); version++) {
                        answered.add(answerWithoutServerError(connection, range.api(), version));
                    }
                }
                System.out.println("EveryVersionIT answered " + answered.size() + " table versions: " + answered);
            }
            for (ServedVersions.Range range : ServedVersions.all()) {
                assertRefused(broker, range, (short) (range.max() + 1));
                for (short version = range.advertisedMin(); version < range.min(); version++) {
                    assertRefused(broker, range, version);
                }
            }
        }
    }

    /** Sends the API's default request (Produce with acks=-1, so it is answered) and checks the one response. */
    private static String answerWithoutServerError(RawKafkaConnection connection, ApiKeys api, short version)
            throws Exception {
        String what = api + " v" + version;
        int correlationId = connection.nextCorrelationId();
        connection.send(frame(api, version, correlationId));
        ApiMessage response = connection.readResponse(api, version, correlationId);
        Map<Errors, Integer> errors = AbstractResponse.parseResponse(api,
                MessageUtil.toByteBufferAccessor(response, version), version).errorCounts();
        assertThat(errors).as(what).doesNotContainKeys(Errors.UNKNOWN_SERVER_ERROR, Errors.UNSUPPORTED_VERSION);
        return what;
    }

    /** A version outside the served range closes a fresh connection; ApiVersions instead answers v0 UNSUPPORTED_VERSION. */
    private static void assertRefused(SuretyBroker broker, ServedVersions.Range range, short version) throws Exception {
        String what = range.api() + " v" + version;
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            int correlationId = connection.nextCorrelationId();
            connection.send(frame(range.api(), version, correlationId));
            if (range.api() == ApiKeys.API_VERSIONS) {
                ApiVersionsResponseData data = (ApiVersionsResponseData) connection.readResponse(ApiKeys.API_VERSIONS,
                        (short) 0, correlationId);
                assertThat(Errors.forCode(data.errorCode())).as(what).isEqualTo(Errors.UNSUPPORTED_VERSION);
                assertThat(advertised(data)).as(what).isEqualTo(Map.of(ApiKeys.API_VERSIONS,
                        List.of(range.advertisedMin(), range.max())));
            } else {
                assertThat(connection.awaitClosedByBroker(Duration.ofSeconds(10))).as(what + ": bytes before close")
                        .isZero();
            }
        }
    }

    /**
     * A request frame with the header at {@code version} and the API's default body, written at the
     * nearest version kafka-clients can write (the broker refuses an unserved version before reading
     * the body).
     */
    private static byte[] frame(ApiKeys api, short version, int correlationId) {
        ApiMessage body = ApiMessageType.fromApiKey(api.id).newRequest();
        if (body instanceof ProduceRequestData produce) {
            produce.setAcks((short) -1).setTimeoutMs(10_000);
        }
        if (body instanceof DescribeAclsRequestData describe) {
            // The default filter's zeros are UNKNOWN, which Kafka refuses to parse (and closes): ask for every ACL.
            describe.setResourceTypeFilter(ResourceType.ANY.code()).setPatternTypeFilter(PatternType.ANY.code())
                    .setOperation(AclOperation.ANY.code()).setPermissionType(AclPermissionType.ANY.code())
                    .setResourceNameFilter(null).setPrincipalFilter(null).setHostFilter(null);
        }
        short bodyVersion = (short) Math.max(api.oldestVersion(), Math.min(version, api.latestVersion()));
        RequestHeader header = new RequestHeader(api, version, "every-version", correlationId);
        ByteBuffer headerBytes = MessageUtil.toByteBufferAccessor(header.data(), header.headerVersion()).buffer();
        ByteBuffer bodyBytes = MessageUtil.toByteBufferAccessor(body, bodyVersion).buffer();
        ByteBuffer frame = ByteBuffer.allocate(4 + headerBytes.remaining() + bodyBytes.remaining());
        frame.putInt(headerBytes.remaining() + bodyBytes.remaining()).put(headerBytes).put(bodyBytes);
        return frame.array();
    }

    private static Map<ApiKeys, List<Short>> advertised(ApiVersionsResponseData versions) {
        Map<ApiKeys, List<Short>> out = new TreeMap<>();
        versions.apiKeys().forEach(v -> out.put(ApiKeys.forId(v.apiKey()), List.of(v.minVersion(), v.maxVersion())));
        return out;
    }

    private static Map<ApiKeys, List<Short>> advertised(List<ServedVersions.Range> table) {
        Map<ApiKeys, List<Short>> out = new TreeMap<>();
        table.forEach(range -> out.put(range.api(), List.of(range.advertisedMin(), range.max())));
        return out;
    }

    @Test
    void shouldAnswerEveryRequestWhenSentAtAnyServedVersion() throws Exception {
        try (SuretyBroker broker = TestBrokers.startWithTopics(DATA.dir().resolve("templates"), 2, List.of("fuzz"),
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
            FrameFuzzer fuzzer = FrameFuzzer.forTopic(metadata.topics().find("fuzz"), supported,
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
