package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.metrics.PrometheusText;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Requests exactly as librdkafka (kcat, confluent-kafka-python, ...) puts them on the wire, sent
 * as raw frames, each answered as Apache Kafka 4.x answers it: the all-topics Metadata request
 * with its three stray bytes, Produce below v3, and LeaveGroup at every version.
 */
class LibrdkafkaWireIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-librdkafka-wire-");

    private static final List<String> TOPICS = List.of("alpha", "beta", "gamma");
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private static SuretyBroker broker;
    private LogCapture log;

    @BeforeAll
    static void startBroker() throws IOException {
        broker = TestBrokers.startWithTopics(DATA.dir(), 2, TOPICS, Map.of("group.initial.rebalance.delay.ms", "0"));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void captureLog() {
        log = LogCapture.attach("io.surety.broker", false);
    }

    @AfterEach
    void releaseLog() {
        log.close();
    }

    @Test
    void shouldAnswerEveryTopicAndKeepTheConnectionWhenLibrdkafkaAsksForAllTopics() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            for (short version : new short[] {12, 13}) {
                for (byte allowAutoCreate : new byte[] {0, 1}) {
                    int correlationId = connection.nextCorrelationId();
                    connection.send(librdkafkaAllTopicsMetadata(version, correlationId, allowAutoCreate));
                    MetadataResponseData response = (MetadataResponseData) connection.readResponse(ApiKeys.METADATA,
                            version, correlationId);
                    assertThat(response.topics()).as("v%d", version).extracting(MetadataResponseTopic::name)
                            .containsAll(TOPICS);
                    for (MetadataResponseTopic topic : response.topics()) {
                        assertThat(Errors.forCode(topic.errorCode())).as(topic.name()).isEqualTo(Errors.NONE);
                        assertThat(topic.partitions()).as(topic.name()).hasSize(2);
                    }
                    assertThat(response.brokers()).hasSize(1);
                }
            }
            assertApiVersionsWork(connection);
        }
        PrometheusText scrape = PrometheusText.scrape(broker.metrics().registry());
        assertThat(scrape.value("surety_requests_trailing_bytes_total", "api", "Metadata")).hasValue(4 * 3);
        assertThat(log.keptWarnings()).isEmpty();
    }

    @Test
    void shouldCloseTheConnectionWithoutAnswerWhenProduceVersionIsBelowThree() throws Exception {
        for (short version = 0; version <= 2; version++) {
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                ApiVersionsResponseData versions = assertApiVersionsWork(connection);
                assertThat(versions.apiKeys().find(ApiKeys.PRODUCE.id).minVersion()).as("advertised").isZero();
                connection.send(produceBelowV3(version, connection.nextCorrelationId(), "alpha"));
                assertThat(connection.awaitClosedByBroker(CLOSE_TIMEOUT)).as("v%d", version).isZero();
            }
        }
        assertThat(log.keptWarnings()).hasSize(3).allMatch(line -> line.contains("unsupported PRODUCE version"));
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            assertApiVersionsWork(connection);
        }
    }

    @Test
    void shouldAnswerLeaveGroupInEachVersionsShapeWhenTheMemberIsKnownOrTheGroupIsNot() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            for (short version = 0; version <= ApiKeys.LEAVE_GROUP.latestVersion(); version++) {
                String group = "leave-v" + version;
                String memberId = join(connection, group);
                LeaveGroupResponseData left = leave(connection, version, group, memberId);
                assertLeaveResponse(left, version, memberId, Errors.NONE);

                LeaveGroupResponseData unknownGroup = leave(connection, version, "no-such-group-v" + version, "m-1");
                assertLeaveResponse(unknownGroup, version, "m-1", Errors.UNKNOWN_MEMBER_ID);

                LeaveGroupResponseData unknownMember = leave(connection, version, group, "m-2");
                assertLeaveResponse(unknownMember, version, "m-2", Errors.UNKNOWN_MEMBER_ID);
            }
        }
        assertThat(log.keptWarnings()).isEmpty();
        assertThat(log.keptErrors()).isEmpty();
    }

    // ---------------------------------------------------------------- librdkafka's frames

    /**
     * librdkafka's Metadata request for all topics at v9+ (flexible), byte for byte, from
     * {@code rd_kafka_MetadataRequest0}: it reserves four bytes for the topic array's count
     * ({@code rd_kafka_buf_write_arraycnt_pos}, an int32 0) and, when it wants every topic,
     * leaves them as they are instead of shrinking them to a one-byte varint
     * ({@code rd_kafka_buf_finalize_arraycnt}). The first zero reads as a null compact array
     * (all topics); the schema then reads the other three as AllowAutoTopicCreation=false,
     * IncludeTopicAuthorizedOperations=false and no tagged fields, which leaves librdkafka's own
     * three bytes (AllowAutoTopicCreation, IncludeTopicAuthorizedOperations, empty tags) after
     * the body. Kafka ignores them.
     *
     * <pre>
     * int32  size
     * int16  api key 3, int16 version, int32 correlation id
     * int16  client id length 7, "rdkafka"
     * uint8  0                    header tagged fields: none
     * 4 x 0  topics               reserved count, left as is
     * uint8  allowAutoCreate      AllowAutoTopicCreation
     * uint8  0                    IncludeTopicAuthorizedOperations
     * uint8  0                    tagged fields: none
     * </pre>
     */
    static byte[] librdkafkaAllTopicsMetadata(short version, int correlationId, byte allowAutoCreate) {
        byte[] clientId = "rdkafka".getBytes(StandardCharsets.US_ASCII);
        ByteBuffer frame = ByteBuffer.allocate(4 + 8 + 2 + clientId.length + 1 + 7);
        frame.putInt(frame.capacity() - 4)
                .putShort(ApiKeys.METADATA.id).putShort(version).putInt(correlationId)
                .putShort((short) clientId.length).put(clientId)
                .put((byte) 0)
                .putInt(0)
                .put(allowAutoCreate)
                .put((byte) 0)
                .put((byte) 0);
        assertThat(frame.hasRemaining()).isFalse();
        return frame.array();
    }

    /**
     * A Produce request at v0-v2 (header v1, non-flexible): acks=1, one partition whose message
     * set is empty. Kafka 4.x advertises these versions but closes the connection on them.
     */
    private static byte[] produceBelowV3(short version, int correlationId, String topic) {
        byte[] clientId = "rdkafka".getBytes(StandardCharsets.US_ASCII);
        byte[] topicName = topic.getBytes(StandardCharsets.UTF_8);
        ByteBuffer frame = ByteBuffer.allocate(128);
        frame.putInt(0)
                .putShort(ApiKeys.PRODUCE.id).putShort(version).putInt(correlationId)
                .putShort((short) clientId.length).put(clientId)
                .putShort((short) 1).putInt(5_000)
                .putInt(1).putShort((short) topicName.length).put(topicName)
                .putInt(1).putInt(0).putInt(0);
        frame.putInt(0, frame.position() - 4).flip();
        byte[] bytes = new byte[frame.remaining()];
        frame.get(bytes);
        return bytes;
    }

    // ---------------------------------------------------------------- helpers

    private static ApiVersionsResponseData assertApiVersionsWork(RawKafkaConnection connection) throws IOException {
        ApiVersionsResponseData data = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequest.Builder().build((short) 3).data());
        assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.NONE);
        return data;
    }

    /** Joins {@code group} as a new classic member (asked for a member id first, as v4+ clients are); returns its id. */
    private static String join(RawKafkaConnection connection, String group) throws IOException {
        JoinGroupRequestData request = new JoinGroupRequestData().setGroupId(group).setSessionTimeoutMs(30_000)
                .setRebalanceTimeoutMs(30_000).setMemberId("").setProtocolType("consumer");
        request.protocols().add(new JoinGroupRequestData.JoinGroupRequestProtocol().setName("range")
                .setMetadata(new byte[0]));
        JoinGroupResponseData first = connection.call(ApiKeys.JOIN_GROUP, (short) 5, request);
        assertThat(Errors.forCode(first.errorCode())).isEqualTo(Errors.MEMBER_ID_REQUIRED);
        JoinGroupResponseData joined = connection.call(ApiKeys.JOIN_GROUP, (short) 5,
                request.setMemberId(first.memberId()));
        assertThat(Errors.forCode(joined.errorCode())).isEqualTo(Errors.NONE);
        return joined.memberId();
    }

    private static LeaveGroupResponseData leave(RawKafkaConnection connection, short version, String group,
            String memberId) throws IOException {
        LeaveGroupRequestData request = new LeaveGroupRequestData().setGroupId(group);
        if (version < 3) {
            request.setMemberId(memberId);
        } else {
            request.setMembers(List.of(new MemberIdentity().setMemberId(memberId)));
        }
        return connection.call(ApiKeys.LEAVE_GROUP, version, request);
    }

    /** v0-v2: the member's outcome as the one top-level code and no members; v3+: no top-level error, one member. */
    private static void assertLeaveResponse(LeaveGroupResponseData response, short version, String memberId,
            Errors expected) {
        if (version < 3) {
            assertThat(Errors.forCode(response.errorCode())).as("v%d top level", version).isEqualTo(expected);
            assertThat(response.members()).as("v%d members", version).isEmpty();
        } else {
            assertThat(Errors.forCode(response.errorCode())).as("v%d top level", version).isEqualTo(Errors.NONE);
            assertThat(response.members()).as("v%d members", version).singleElement().satisfies(member -> {
                assertThat(member.memberId()).isEqualTo(memberId);
                assertThat(Errors.forCode(member.errorCode())).isEqualTo(expected);
            });
        }
        assertThat(response.throttleTimeMs()).isZero();
    }
}
