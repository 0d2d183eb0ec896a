package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.api.ServedVersions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ApiVersionsRequest;
import org.apache.kafka.common.requests.ListOffsetsRequest;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.ResponseHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hostile and invalid input against a running broker, over raw sockets and through real clients:
 * every bad frame closes its connection with a log line naming the client, every invalid but
 * well-formed request gets Kafka's error code, nothing bad is appended, and the broker keeps
 * serving everyone else.
 */
class BadInputIT {

    private static final int MAX_REQUEST_BYTES = 100_000;
    private static final int MAX_MESSAGE_BYTES = 10_000;
    private static final short PRODUCE_VERSION = 11;
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);
    private static final List<String> TOPICS = List.of("crc", "acks", "large", "partitions", "clients", "malformed");

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-bad-input-");

    private static SuretyBroker broker;
    private LogCapture networkLog;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = TestBrokers.startWithTopics(DATA.dir(), 2, TOPICS, Map.of(
                "auto.create.topics.enable", "false",
                "socket.request.max.bytes", Integer.toString(MAX_REQUEST_BYTES),
                "message.max.bytes", Integer.toString(MAX_MESSAGE_BYTES)));
    }

    @AfterAll
    static void stopBroker() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void captureNetworkLog() {
        networkLog = LogCapture.attach("io.surety.broker.network", false);
    }

    @AfterEach
    void releaseNetworkLog() {
        networkLog.close();
    }

    // ---------------------------------------------------------------- bad frames close the connection

    @Test
    void shouldCloseAndKeepServingOthersWhenFrameIsLargerThanLimit() throws Exception {
        try (RawKafkaConnection bystander = RawKafkaConnection.open(broker.port());
                RawKafkaConnection offender = RawKafkaConnection.open(broker.port())) {
            assertApiVersionsWork(bystander);
            offender.send(ByteBuffer.allocate(4 + 64).putInt(MAX_REQUEST_BYTES + 1).array());
            assertThat(offender.awaitClosedByBroker(CLOSE_TIMEOUT)).isZero();
            assertWarnedAbout(offender, "larger than socket.request.max.bytes");
            assertApiVersionsWork(bystander);
        }
        try (RawKafkaConnection fresh = RawKafkaConnection.open(broker.port())) {
            assertApiVersionsWork(fresh);
        }
    }

    @Test
    void shouldCloseWhenFrameSizeIsNegative() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            connection.send(ByteBuffer.allocate(16).putInt(-1).array());
            assertThat(connection.awaitClosedByBroker(CLOSE_TIMEOUT)).isZero();
            assertWarnedAbout(connection, "");
        }
    }

    @Test
    void shouldCloseWhenHeaderIsUnparsable() throws Exception {
        byte[] valid = apiVersionsFrame((short) 1, 1);
        byte[][] broken = {
            {0, 0, 0, 3, 0, 18, 0},
            // client id length says 200 bytes, the frame holds 11
            ByteBuffer.allocate(4 + 10 + 1).putInt(11).putShort((short) 18).putShort((short) 1).putInt(1)
                    .putShort((short) 200).put((byte) 'x').array(),
            ByteBuffer.allocate(4).putInt(0).array(),
            java.util.Arrays.copyOf(valid, 4 + 6),
        };
        ByteBuffer.wrap(broken[3]).putInt(0, 6);
        for (byte[] frame : broken) {
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                connection.send(frame);
                assertThat(connection.awaitClosedByBroker(CLOSE_TIMEOUT)).isZero();
                assertWarnedAbout(connection, "");
            }
        }
    }

    @Test
    void shouldCloseWhenApiKeyIsUnknownOrHasNoHandler() throws Exception {
        for (short apiKey : new short[] {999, -1, ApiKeys.JOIN_GROUP.id, ApiKeys.CONTROLLED_SHUTDOWN.id}) {
            byte[] frame = apiVersionsFrame((short) 1, 1);
            ByteBuffer.wrap(frame).putShort(4, apiKey);
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                connection.send(frame);
                assertThat(connection.awaitClosedByBroker(CLOSE_TIMEOUT)).as("api key %d", apiKey).isZero();
                assertWarnedAbout(connection, "");
            }
        }
    }

    @Test
    void shouldCloseWhenBodyIsGarbageAndServeWhenBytesFollowTheBody() throws Exception {
        byte[] metadata = RawKafkaConnection.frame(ApiKeys.METADATA, (short) 12, 1,
                new MetadataRequestData().setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("crc"))));
        byte[] produce = RawKafkaConnection.frame(ApiKeys.PRODUCE, PRODUCE_VERSION, 1, produceRequest("crc", 0, (short) 1,
                records(1, 10)));
        byte[] apiVersions = apiVersionsFrame((short) 3, 1);
        for (byte[] valid : List.of(metadata, produce, apiVersions)) {
            byte[] garbage = valid.clone();
            for (int i = 4 + 8 + 2 + "raw-test-client".length() + 1; i < garbage.length; i++) {
                garbage[i] = (byte) 0xEE;
            }
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                connection.send(garbage);
                assertThat(connection.awaitClosedByBroker(CLOSE_TIMEOUT)).isZero();
                assertWarnedAbout(connection, "");
            }
            byte[] trailing = ByteBuffer.allocate(valid.length + 2).putInt(valid.length - 4 + 2)
                    .put(valid, 4, valid.length - 4).put((byte) 0).put((byte) 0).array();
            ByteBuffer header = ByteBuffer.wrap(trailing, 4, trailing.length - 4).slice();
            RequestHeader parsed = RequestHeader.parse(header);
            try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
                connection.send(trailing);
                connection.readResponse(parsed.apiKey(), parsed.apiVersion(), parsed.correlationId());
                assertApiVersionsWork(connection);
            }
        }
    }

    @Test
    void shouldAnswerUnsupportedVersionAtV0WhenApiVersionsVersionIsUnknown() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            byte[] frame = apiVersionsFrame((short) 3, 42);
            ByteBuffer.wrap(frame).putShort(6, (short) 99);
            connection.send(frame);
            ByteBuffer response = connection.readFrame();
            assertThat(ResponseHeader.parse(response, (short) 0).correlationId()).isEqualTo(42);
            ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(response), (short) 0);
            assertThat(response.hasRemaining()).isFalse();
            assertThat(Errors.forCode(data.errorCode())).isEqualTo(Errors.UNSUPPORTED_VERSION);
            ApiVersionsResponseData.ApiVersion range = data.apiKeys().find(ApiKeys.API_VERSIONS.id);
            assertThat(range).isNotNull();
            assertThat(range.minVersion()).isZero();
            assertThat(range.maxVersion()).isEqualTo(ServedVersions.of(ApiKeys.API_VERSIONS).orElseThrow().max());
            assertApiVersionsWork(connection);
        }
    }

    // ---------------------------------------------------------------- invalid produce requests get Kafka's errors

    @Test
    void shouldRefuseCorruptBatchAndAppendNothingWhenCrcIsBad() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            long endBefore = latestOffset(connection, "crc", 0);
            ByteBuffer corrupt = records(3, 50);
            int last = corrupt.limit() - 1;
            corrupt.put(last, (byte) (corrupt.get(last) ^ 0x40));
            assertThat(produce(connection, "crc", 0, (short) -1, corrupt).errorCode())
                    .isEqualTo(Errors.CORRUPT_MESSAGE.code());
            assertThat(latestOffset(connection, "crc", 0)).isEqualTo(endBefore);

            ProduceResponseData.PartitionProduceResponse ok = produce(connection, "crc", 0, (short) -1, records(3, 50));
            assertThat(ok.errorCode()).isEqualTo(Errors.NONE.code());
            assertThat(ok.baseOffset()).as("nothing of the corrupt batch was appended").isEqualTo(endBefore);
        }
    }

    @Test
    void shouldRefuseBatchWhenRecordsAreMalformedBehindValidCrc() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            long endBefore = latestOffset(connection, "malformed", 0);
            List<ByteBuffer> malformed = new ArrayList<>();
            ByteBuffer countTooHigh = records(3, 20);
            countTooHigh.putInt(57, 4).putInt(23, 3);
            malformed.add(countTooHigh);
            ByteBuffer garbageRecords = records(3, 20);
            for (int i = 61; i < garbageRecords.limit(); i++) {
                garbageRecords.put(i, (byte) 0xFF);
            }
            malformed.add(garbageRecords);
            ByteBuffer trailingBytes = records(2, 20);
            ByteBuffer longer = ByteBuffer.allocate(trailingBytes.remaining() + 5).put(trailingBytes).put(new byte[5]).flip();
            longer.putInt(8, longer.remaining() - 12);
            malformed.add(longer);
            for (ByteBuffer batch : malformed) {
                fixCrc(batch);
                short error = produce(connection, "malformed", 0, (short) -1, batch).errorCode();
                assertThat(Errors.forCode(error)).isIn(Errors.CORRUPT_MESSAGE, Errors.INVALID_RECORD);
            }
            assertThat(latestOffset(connection, "malformed", 0)).as("nothing appended").isEqualTo(endBefore);
        }
        assertConsumable("malformed", 0);
    }

    @Test
    void shouldAnswerInvalidRequiredAcksWhenAcksIsTwo() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            long endBefore = latestOffset(connection, "acks", 0);
            for (short acks : new short[] {2, -2, 100}) {
                assertThat(produce(connection, "acks", 0, acks, records(1, 10)).errorCode()).as("acks %d", acks)
                        .isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
            }
            assertThat(latestOffset(connection, "acks", 0)).isEqualTo(endBefore);
        }
    }

    @Test
    void shouldAnswerMessageTooLargeWhenBatchExceedsMaxMessageBytes() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            long endBefore = latestOffset(connection, "large", 0);
            ByteBuffer large = records(2, MAX_MESSAGE_BYTES);
            assertThat(large.remaining()).isGreaterThan(MAX_MESSAGE_BYTES).isLessThan(MAX_REQUEST_BYTES);
            assertThat(produce(connection, "large", 0, (short) 1, large).errorCode())
                    .isEqualTo(Errors.MESSAGE_TOO_LARGE.code());
            assertThat(latestOffset(connection, "large", 0)).isEqualTo(endBefore);
        }
    }

    @Test
    void shouldAnswerUnknownTopicWhenItDoesNotExistAndAutoCreateIsOff() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            assertThat(produce(connection, "no-such-topic", 0, (short) 1, records(1, 10)).errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            MetadataResponseData metadata = connection.call(ApiKeys.METADATA, (short) 12, new MetadataRequestData()
                    .setAllowAutoTopicCreation(true)
                    .setTopics(List.of(new MetadataRequestData.MetadataRequestTopic().setName("no-such-topic"))));
            assertThat(metadata.topics().find("no-such-topic").errorCode())
                    .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            MetadataResponseData all = connection.call(ApiKeys.METADATA, (short) 12,
                    new MetadataRequestData().setTopics(null));
            assertThat(all.topics().find("no-such-topic")).as("not auto-created").isNull();
        }
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenPartitionIndexDoesNotExist() throws Exception {
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            for (int partition : new int[] {2, 5, -1, Integer.MAX_VALUE}) {
                assertThat(produce(connection, "partitions", partition, (short) -1, records(1, 10)).errorCode())
                        .as("partition %d", partition).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            }
            assertThat(produce(connection, "partitions", 1, (short) -1, records(1, 10)).errorCode())
                    .isEqualTo(Errors.NONE.code());
        }
    }

    // ---------------------------------------------------------------- real clients

    @Test
    void shouldFailOnlyTheOffendingSendWhenRealProducerSendsInvalidRecords() throws Exception {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "acks", "all",
                "max.block.ms", 3_000, "delivery.timeout.ms", 10_000, "request.timeout.ms", 5_000, "linger.ms", 0);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            RecordMetadata first = producer.send(new ProducerRecord<>("clients", 0, null, "a".getBytes())).get();

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("clients", 0, null,
                    new byte[MAX_MESSAGE_BYTES * 2])).get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(RecordTooLargeException.class);

            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("missing-for-clients", "x".getBytes()))
                    .get(20, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TimeoutException.class);

            RecordMetadata after = producer.send(new ProducerRecord<>("clients", 0, null, "b".getBytes())).get();
            assertThat(after.offset()).as("the refused record left no trace").isEqualTo(first.offset() + 1);
        }
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            MetadataResponseData all = connection.call(ApiKeys.METADATA, (short) 12,
                    new MetadataRequestData().setTopics(null));
            assertThat(all.topics().find("missing-for-clients")).as("a producer's metadata request created nothing")
                    .isNull();
        }
    }

    // ---------------------------------------------------------------- helpers

    /** Recomputes a batch's CRC32C (bytes 21 to the end), so only its other damage remains. */
    private static void fixCrc(ByteBuffer batch) {
        java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
        crc.update(batch.duplicate().position(21));
        batch.putInt(17, (int) crc.getValue());
    }

    /** A real consumer reads the partition from the start to its end without error. */
    private static void assertConsumable(String topic, int partition) {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrapServers(), "enable.auto.commit", false);
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.position(tp) >= end;
            });
        }
    }

    private void assertWarnedAbout(RawKafkaConnection connection, String reason) {
        String client = ":" + connection.localPort();
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                assertThat(networkLog.keptWarnings()).anyMatch(line -> line.contains("Closing connection from")
                        && line.contains(client) && line.contains(reason)));
    }

    private static void assertApiVersionsWork(RawKafkaConnection connection) throws Exception {
        ApiVersionsResponseData data = connection.call(ApiKeys.API_VERSIONS, (short) 3,
                new ApiVersionsRequest.Builder().build((short) 3).data());
        assertThat(data.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(data.apiKeys().find(ApiKeys.PRODUCE.id)).isNotNull();
    }

    private static byte[] apiVersionsFrame(short version, int correlationId) {
        ApiVersionsRequestData body = new ApiVersionsRequest.Builder().build(version).data();
        return RawKafkaConnection.frame(ApiKeys.API_VERSIONS, version, correlationId, body);
    }

    private static ByteBuffer records(int count, int valueBytes) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(System.currentTimeMillis(), ("k" + i).getBytes(StandardCharsets.UTF_8),
                    new byte[valueBytes]);
        }
        return MemoryRecords.withRecords(Compression.NONE, records).buffer();
    }

    private static ProduceRequestData produceRequest(String topic, int partition, short acks, ByteBuffer records) {
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName(topic).setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(partition)
                        .setRecords(MemoryRecords.readableRecords(records)))));
        return new ProduceRequestData().setAcks(acks).setTimeoutMs(10_000).setTopicData(topics);
    }

    private static ProduceResponseData.PartitionProduceResponse produce(RawKafkaConnection connection, String topic,
            int partition, short acks, ByteBuffer records) throws Exception {
        ProduceResponseData response = connection.call(ApiKeys.PRODUCE, PRODUCE_VERSION,
                produceRequest(topic, partition, acks, records));
        assertThat(response.responses()).hasSize(1);
        ProduceResponseData.TopicProduceResponse topicResponse = response.responses().iterator().next();
        assertThat(topicResponse.partitionResponses()).hasSize(1);
        ProduceResponseData.PartitionProduceResponse result = topicResponse.partitionResponses().get(0);
        assertThat(result.index()).isEqualTo(partition);
        return result;
    }

    private static long latestOffset(RawKafkaConnection connection, String topic, int partition) throws Exception {
        ListOffsetsRequestData request = ListOffsetsRequest.Builder.forConsumer(false, IsolationLevel.READ_UNCOMMITTED)
                .setTargetTimes(List.of(new ListOffsetsRequestData.ListOffsetsTopic().setName(topic).setPartitions(List.of(
                        new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(partition)
                                .setTimestamp(ListOffsetsRequest.LATEST_TIMESTAMP)))))
                .build((short) 7).data();
        ListOffsetsResponseData response = connection.call(ApiKeys.LIST_OFFSETS, (short) 7, request);
        ListOffsetsResponseData.ListOffsetsPartitionResponse result = response.topics().get(0).partitions().get(0);
        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        return result.offset();
    }
}
