package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.TransactionsCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Kafka's {@code kafka-transactions} tool ({@link TransactionsCommand}) against the broker: list,
 * describe, describe-producers, find-hanging and abort (WriteTxnMarkers). A hanging transaction — data of a producer no
 * coordinator knows — can only be made with verification off (KIP-890 part 1 refuses it), so this
 * test turns it off on purpose and checks the refusal with it on.
 */
class TransactionsToolIT {

    /** Thrown instead of exiting the JVM when the tool calls Exit. */
    private static final class ToolExit extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final int status;

        ToolExit(int status, String message) {
            super("tool exited with " + status + ": " + message);
            this.status = status;
        }
    }

    @BeforeEach
    void trapExit() {
        Exit.setExitProcedure((status, message) -> {
            throw new ToolExit(status, message);
        });
    }

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    private static String tool(String bootstrap, String... args) throws Exception {
        String[] all = new String[args.length + 2];
        all[0] = "--bootstrap-server";
        all[1] = bootstrap;
        System.arraycopy(args, 0, all, 2, args.length);
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            TransactionsCommand.main(all);
        } catch (ToolExit e) {
            assertThat(e.status).as(e.getMessage()).isZero();
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.println(out);
        return out;
    }

    @Test
    void shouldListDescribeAndShowProducersOfAnOpenTransaction() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().tempDataDir().config("num.partitions", "2").start()) {
            String bootstrap = broker.bootstrapServers();
            Properties props = TransactionsIT.producerProps(bootstrap, "tool-tx");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
                producer.initTransactions();
                producer.beginTransaction();
                producer.send(new ProducerRecord<>("tooled", 1, "k", "v")).get();

                assertThat(tool(bootstrap, "list")).containsPattern("tool-tx\\s+1\\s+\\d+\\s+Ongoing");
                assertThat(tool(bootstrap, "describe", "--transactional-id", "tool-tx"))
                        .contains("Ongoing").contains("tooled-1");
                assertThat(tool(bootstrap, "describe-producers", "--topic", "tooled", "--partition", "1"))
                        .containsPattern("\\d+\\s+0\\s+0\\s+0\\s+\\d{10,}\\s+0\\s");
                String hanging = tool(bootstrap, "find-hanging", "--broker-id", "1");
                assertThat(hanging).contains("Topic").doesNotContain("tooled");
                producer.commitTransaction();
            }
            assertThat(tool(bootstrap, "list")).containsPattern("tool-tx\\s+1\\s+\\d+\\s+CompleteCommit");
        }
    }

    @Test
    void shouldFindAHangingTransactionThatOnlyUnverifiedWritesCanLeave() throws Exception {
        long strangerProducerId = 777_777;
        try (SuretyBroker verified = SuretyBroker.builder().tempDataDir().config("num.partitions", "1").start();
                SuretyBroker unverified = SuretyBroker.builder().tempDataDir().config("num.partitions", "1")
                        .config("transaction.partition.verification.enable", "false").start()) {
            assertThat(produceStrangerBatch(verified, strangerProducerId)).isEqualTo(Errors.INVALID_PRODUCER_ID_MAPPING);
            assertThat(produceStrangerBatch(unverified, strangerProducerId)).isEqualTo(Errors.NONE);
            String hanging = tool(unverified.bootstrapServers(), "find-hanging", "--broker-id", "1");
            assertThat(hanging).containsPattern("hang\\s+0\\s+" + strangerProducerId);
            tool(unverified.bootstrapServers(), "abort", "--topic", "hang", "--partition", "0", "--start-offset", "0");
            assertThat(tool(unverified.bootstrapServers(), "find-hanging", "--broker-id", "1")).doesNotContain("hang ");
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", unverified.bootstrapServers()))) {
                TopicPartition tp = new TopicPartition("hang", 0);
                assertThat(admin.listOffsets(Map.of(tp, OffsetSpec.latest()),
                        new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).partitionResult(tp).get().offset())
                        .as("the manual abort marker releases the last stable offset").isEqualTo(2);
            }
            assertThat(tool(verified.bootstrapServers(), "find-hanging", "--broker-id", "1")).doesNotContain("hang ");
        }
    }

    /** A transactional batch two hours old from a producer no coordinator has heard of. */
    private static Errors produceStrangerBatch(SuretyBroker broker, long producerId) throws Exception {
        try (KafkaProducer<String, String> creator = new KafkaProducer<>(TransactionsIT.producerProps(
                broker.bootstrapServers(), null))) {
            creator.partitionsFor("hang");
        }
        long twoHoursAgo = System.currentTimeMillis() - 2 * 3_600_000L;
        MemoryRecords records = MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, 0,
                new SimpleRecord(twoHoursAgo, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)));
        ProduceRequestData request = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(10_000)
                .setTransactionalId("stranger");
        ProduceRequestData.TopicProduceDataCollection topics = new ProduceRequestData.TopicProduceDataCollection();
        topics.add(new ProduceRequestData.TopicProduceData().setName("hang").setPartitionData(List.of(
                new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(records))));
        request.setTopicData(topics);
        try (RawKafkaConnection connection = RawKafkaConnection.open(broker.port())) {
            ProduceResponseData response = connection.call(ApiKeys.PRODUCE, (short) 9, request);
            return Errors.forCode(response.responses().iterator().next().partitionResponses().get(0).errorCode());
        }
    }
}
