package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.partition.Partition;
import io.surety.broker.partition.TransactionVerifier;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData;
import org.apache.kafka.common.message.ProduceRequestData.TopicProduceData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.ProduceRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Produce against real partitions on a temporary directory: offsets assigned, errors answered per
 * partition, acks=0 answered by silence or a closed connection, and the transaction verifier the
 * handler was given consulted for a batch that opens a transaction.
 */
class ProduceHandlerTest {

    private static final short VERSION = 11;

    @TempDir
    Path dataDir;

    private HandlerFixture fixture;
    private final List<TopicPartition> verified = new ArrayList<>();

    @BeforeEach
    void createTopic() throws IOException {
        fixture = new HandlerFixture(dataDir);
        fixture.createTopic("orders", 2);
    }

    @AfterEach
    void close() {
        fixture.close();
    }

    private ProduceHandler handler(TransactionVerifier verifier) {
        return new ProduceHandler(fixture.topics, fixture.partitions, fixture.flusher, fixture.metrics.topics(),
                verifier, fixture.clock);
    }

    @Test
    void shouldAssignContiguousOffsetsWhenBatchesFollowEachOther() {
        ProduceHandler handler = handler(TransactionVerifier.NONE);

        PartitionProduceResponse first = onlyPartition(send(handler, produce((short) -1, "orders", 1, records("a", "b", "c"))));
        PartitionProduceResponse second = onlyPartition(send(handler, produce((short) 1, "orders", 1, records("d", "e"))));

        assertThat(first.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(first.baseOffset()).isZero();
        assertThat(second.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(second.baseOffset()).isEqualTo(3);
        assertThat(second.logStartOffset()).isZero();
        Partition partition = fixture.partition("orders", 1);
        assertThat(partition.highWatermark()).isEqualTo(5);
        assertThat(fixture.partition("orders", 0).highWatermark()).isZero();
    }

    @Test
    void shouldAnswerUnknownTopicOrPartitionWhenTopicOrIndexDoesNotExist() {
        ProduceHandler handler = handler(TransactionVerifier.NONE);

        PartitionProduceResponse noTopic = onlyPartition(send(handler, produce((short) -1, "missing", 0, records("a"))));
        PartitionProduceResponse noIndex = onlyPartition(send(handler, produce((short) -1, "orders", 7, records("a"))));

        assertThat(noTopic.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(noTopic.baseOffset()).isEqualTo(-1);
        assertThat(noIndex.errorCode()).isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        assertThat(noIndex.index()).isEqualTo(7);
    }

    @Test
    void shouldRefuseEveryPartitionWhenAcksIsNotMinusOneZeroOrOne() {
        PartitionProduceResponse result = onlyPartition(send(handler(TransactionVerifier.NONE),
                produce((short) 2, "orders", 0, records("a"))));

        assertThat(result.errorCode()).isEqualTo(Errors.INVALID_REQUIRED_ACKS.code());
        assertThat(fixture.partition("orders", 0).highWatermark()).isZero();
    }

    @Test
    void shouldAnswerCorruptMessageWhenBatchCrcDoesNotMatch() {
        ByteBuffer corrupt = records("a", "b").buffer();
        int lastByte = corrupt.limit() - 1;
        corrupt.put(lastByte, (byte) (corrupt.get(lastByte) ^ 0x5a));

        PartitionProduceResponse result = onlyPartition(send(handler(TransactionVerifier.NONE),
                produce((short) -1, "orders", 0, MemoryRecords.readableRecords(corrupt))));

        assertThat(result.errorCode()).isEqualTo(Errors.CORRUPT_MESSAGE.code());
        assertThat(fixture.partition("orders", 0).highWatermark()).isZero();
    }

    @Test
    void shouldAppendWithoutAnswerWhenAcksIsZero() throws Exception {
        ApiResponse response = handler(TransactionVerifier.NONE)
                .handle(HandlerFixture.request(new ProduceRequest(produce((short) 0, "orders", 0, records("a")), VERSION)))
                .get();

        assertThat(response).isSameAs(ApiResponse.SILENT);
        assertThat(fixture.partition("orders", 0).highWatermark()).isEqualTo(1);
    }

    @Test
    void shouldCloseTheConnectionWhenAcksIsZeroAndAPartitionFails() throws Exception {
        ApiResponse response = handler(TransactionVerifier.NONE)
                .handle(HandlerFixture.request(new ProduceRequest(produce((short) 0, "missing", 0, records("a")), VERSION)))
                .get();

        assertThat(response).isInstanceOf(ApiResponse.Close.class);
    }

    @Test
    void shouldRefuseTransactionalBatchWhenVerifierSaysThePartitionIsNotInTheTransaction() {
        TransactionVerifier notInTransaction = (producerId, epoch, partition) -> {
            verified.add(partition);
            return Errors.INVALID_TXN_STATE;
        };
        MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, 4000L, (short) 0, 0,
                new SimpleRecord(HandlerFixture.T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));

        PartitionProduceResponse result = onlyPartition(send(handler(notInTransaction),
                produce((short) -1, "orders", 1, transactional)));

        assertThat(verified).containsExactly(new TopicPartition("orders", 1));
        assertThat(result.errorCode()).isEqualTo(Errors.TRANSACTION_ABORTABLE.code());
        assertThat(fixture.partition("orders", 1).highWatermark()).isZero();
    }

    @Test
    void shouldAppendTransactionalBatchWhenVerifierAcceptsIt() {
        MemoryRecords transactional = MemoryRecords.withTransactionalRecords(Compression.NONE, 4000L, (short) 0, 0,
                new SimpleRecord(HandlerFixture.T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));

        PartitionProduceResponse result = onlyPartition(send(handler(TransactionVerifier.NONE),
                produce((short) -1, "orders", 1, transactional)));

        assertThat(result.errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(result.baseOffset()).isZero();
        assertThat(fixture.partition("orders", 1).lastStableOffset()).isZero();
    }

    private static ProduceResponseData send(ProduceHandler handler, ProduceRequestData data) {
        ApiResponse response = handler.handle(HandlerFixture.request(new ProduceRequest(data, VERSION))).join();
        assertThat(response).isInstanceOf(ApiResponse.Send.class);
        return (ProduceResponseData) ((ApiResponse.Send) response).body();
    }

    private static PartitionProduceResponse onlyPartition(ProduceResponseData response) {
        assertThat(response.responses()).hasSize(1);
        assertThat(response.responses().iterator().next().partitionResponses()).hasSize(1);
        return response.responses().iterator().next().partitionResponses().get(0);
    }

    private static ProduceRequestData produce(short acks, String topic, int index, MemoryRecords records) {
        ProduceRequestData data = new ProduceRequestData().setAcks(acks).setTimeoutMs(30_000);
        TopicProduceData topicData = new TopicProduceData().setName(topic);
        topicData.partitionData().add(new PartitionProduceData().setIndex(index).setRecords(records));
        data.topicData().add(topicData);
        return data;
    }

    static MemoryRecords records(String... values) {
        SimpleRecord[] records = new SimpleRecord[values.length];
        for (int i = 0; i < values.length; i++) {
            records[i] = new SimpleRecord(HandlerFixture.T0, ("key-" + values[i]).getBytes(StandardCharsets.UTF_8),
                    values[i].getBytes(StandardCharsets.UTF_8));
        }
        return MemoryRecords.withRecords(Compression.NONE, records);
    }
}
