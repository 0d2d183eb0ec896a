package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupType;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * node-rdkafka 3.6.1, which carries a current librdkafka (2.12.0) and builds it from source on
 * install, against an in-process broker: topic admin and metadata, idempotent produce with each
 * codec the build has (stored batches read raw), transactions with an abort hidden from
 * read_committed consumers in both clients, group consumption with offsets committed and read
 * back by kafka-clients' Admin, and two members sharing a topic's partitions under the classic
 * protocol and under KIP-848's ({@code group.protocol=consumer}, which librdkafka has since 2.10).
 *
 * <p>Building librdkafka takes 2 to 4 minutes on two cores (and needs a C toolchain, libssl-dev
 * and libsasl2-dev; zstd only with libzstd-dev), so the test runs only when asked, with
 * SURETY_NODE_RDKAFKA=1 (CI sets it), or when an earlier run left the build in
 * {@code target/node-rdkafka}; otherwise it is skipped and says so. Every script's output starts
 * with the librdkafka version and features it ran with, and a codec the build lacks is skipped
 * with that line as the reason.
 */
class NodeRdkafkaIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-node-rdkafka-");

    private static final String PACKAGE = "node-rdkafka";
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(15);
    private static final Duration AWAIT = Duration.ofSeconds(60);

    private static NodeScripts.Setup setup;
    private static NodeScripts scripts;
    private static SuretyBroker broker;
    private static Admin admin;
    private static String bootstrap;
    private LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        boolean asked = "1".equals(System.getenv("SURETY_NODE_RDKAFKA"));
        boolean built = NodeScripts.installed(Path.of("src", "test", "js", PACKAGE), Path.of("target", PACKAGE));
        if (!asked && !built) {
            setup = NodeScripts.Setup.unavailable("node-rdkafka builds librdkafka from source on install (2 to 4"
                    + " minutes): set SURETY_NODE_RDKAFKA=1 to build it and run the node-rdkafka tests");
            return;
        }
        setup = NodeScripts.install(PACKAGE, DATA.dir().resolve("runs"), NPM_TIMEOUT);
        if (!setup.available()) {
            return;
        }
        scripts = setup.scripts();
        broker = SuretyBroker.builder().dataDir(DATA.dir().resolve("data"))
                .config("group.initial.rebalance.delay.ms", "0")
                .config("group.consumer.min.heartbeat.interval.ms", "500")
                .config("group.consumer.heartbeat.interval.ms", "500").start();
        bootstrap = broker.bootstrapServers();
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    }

    @AfterAll
    static void stop() {
        if (admin != null) {
            admin.close();
        }
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void captureLog() {
        setup.assumeAvailable();
        log = LogCapture.attach("io.surety.broker", false);
    }

    @AfterEach
    void releaseLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void shouldCreateListGrowAndDeleteATopicWhenNodeRdkafkaAdminAsks() throws Exception {
        String topic = "node-rdkafka-admin";

        List<String> lines = succeeded(scripts.run("admin.js", bootstrap, topic)).lines();

        assertThat(lines.subList(1, lines.size())).containsExactly("created", "listed " + topic + " 2", "grown 4",
                "deleted");
        assertThat(admin.listTopics().names().get()).doesNotContain(topic);
        assertQuietBroker();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"NONE", "GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldStoreEachCodecWithOneProducerIdWhenNodeRdkafkaProducesIdempotently(CompressionType codec)
            throws Exception {
        String topic = "node-rdkafka-" + codec.name;
        createTopic(topic, 1);
        int count = 100;

        ClientProcess.Result produced = scripts.run("produce.js", bootstrap, topic, Integer.toString(count), codec.name,
                "idempotent");
        String librdkafka = produced.lines().isEmpty() ? "" : produced.lines().get(0);
        Assumptions.assumeTrue(codec == CompressionType.NONE || librdkafka.contains(codec.name),
                () -> "this build of librdkafka has no " + codec.name + " (" + librdkafka + ")");
        assertThat(succeeded(produced).lines()).contains("delivered " + count);

        List<RecordBatch> batches = StoredBatches.read(broker.port(), topic, 0);
        assertThat(batches).isNotEmpty().allSatisfy(batch -> {
            assertThat(batch.compressionType()).as("batch at %d (%s)", batch.baseOffset(), librdkafka).isEqualTo(codec);
            assertThat(batch.producerId()).isEqualTo(batches.get(0).producerId()).isNotEqualTo(RecordBatch.NO_PRODUCER_ID);
            assertThat((long) batch.baseSequence()).isEqualTo(batch.baseOffset());
        });
        List<ConsumerRecord<String, String>> records = consume(topic, "read_uncommitted", count);
        for (int i = 0; i < count; i++) {
            assertThat(records.get(i).key()).isEqualTo("key-" + i);
            assertThat(records.get(i).value()).isEqualTo("value-" + i);
            assertThat(records.get(i).timestamp()).isEqualTo(1_700_000_000_000L + i);
            assertThat(records.get(i).headers().lastHeader("origin").value()).asString().isEqualTo("node-rdkafka");
        }
        assertQuietBroker();
    }

    @Test
    void shouldHideAbortedRecordsAndCommitGroupOffsetsWhenNodeRdkafkaUsesTransactions() throws Exception {
        String topic = "node-rdkafka-transactions";
        String group = "node-rdkafka-group";
        createTopic(topic, 1);
        int committed = 40;

        assertThat(succeeded(scripts.run("produce.js", bootstrap, topic, Integer.toString(committed), "lz4",
                "transactional")).lines()).contains("delivered " + (committed + committed / 2));
        List<String> expected = IntStream.range(0, committed).mapToObj(i -> "committed-" + i).toList();
        assertThat(consume(topic, "read_committed", committed)).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(expected);

        List<String> consumed = succeeded(scripts.run("consume.js", bootstrap, group, topic, Integer.toString(committed)))
                .lines();
        assertThat(consumed).filteredOn(l -> l.startsWith("record ")).extracting(l -> l.split(" ")[4])
                .containsExactlyElementsOf(expected);
        assertThat(consumed).last().isEqualTo("closed");
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((partition, offset) -> offsets.put(partition, offset.offset()));
        TopicPartition partition = new TopicPartition(topic, 0);
        long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
        assertThat(offsets).as("the committed offset is past the last record, before the end marker or at the end")
                .hasEntrySatisfying(partition, offset -> assertThat(offset).isBetween(end - 1, end));
        assertQuietBroker();
    }

    @ParameterizedTest
    @ValueSource(strings = {"classic", "consumer"})
    void shouldSharePartitionsAndCommitOffsetsWhenTwoNodeRdkafkaMembersConsume(String protocol) throws Exception {
        String topic = "node-rdkafka-group-" + protocol;
        int partitions = 3;
        int perPartition = 10;
        createTopic(topic, partitions);
        produce(topic, partitions, perPartition);

        List<String> lines = succeeded(scripts.run("group.js", bootstrap, topic, topic,
                Integer.toString(partitions * perPartition), protocol)).lines();

        assertThat(lines).contains("records " + partitions * perPartition);
        Set<String> first = assigned(lines, 0);
        Set<String> second = assigned(lines, 1);
        assertThat(first).as("group.protocol=%s", protocol).isNotEmpty().doesNotContainAnyElementsOf(second);
        assertThat(second).isNotEmpty();
        assertThat(Stream.concat(first.stream(), second.stream())).containsExactlyInAnyOrder("0", "1", "2");
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listConsumerGroupOffsets(topic).partitionsToOffsetAndMetadata().get()
                .forEach((partition, offset) -> offsets.put(partition, offset.offset()));
        assertThat(offsets).as("offsets committed by both members").containsOnlyKeys(
                IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList())
                .allSatisfy((partition, offset) -> assertThat(offset).isEqualTo(perPartition));
        assertThat(admin.describeConsumerGroups(List.of(topic)).all().get().get(topic).type())
                .isEqualTo(protocol.equals("consumer") ? GroupType.CONSUMER : GroupType.CLASSIC);
        assertQuietBroker();
    }

    /** The partitions of member {@code index} in group.js's "assigned <index> <p,p,...>" line. */
    private static Set<String> assigned(List<String> lines, int index) {
        String prefix = "assigned " + index + " ";
        String partitions = lines.stream().filter(l -> l.startsWith(prefix)).findFirst().orElseThrow()
                .substring(prefix.length());
        return partitions.equals("-") ? Set.of() : Set.of(partitions.split(","));
    }

    private static void produce(String topic, int partitions, int perPartition) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int p = 0; p < partitions; p++) {
                for (int i = 0; i < perPartition; i++) {
                    producer.send(new ProducerRecord<>(topic, p, p + "-" + i, "value-" + p + "-" + i));
                }
            }
            producer.flush();
        }
    }

    private static ClientProcess.Result succeeded(ClientProcess.Result result) {
        assertThat(result.exitCode()).as("exit code; stdout:\n%s\nstderr:\n%s", result.stdout(), result.stderr()).isZero();
        return result;
    }

    private void assertQuietBroker() {
        assertThat(log.keptWarnings()).isEmpty();
        assertThat(log.keptErrors()).isEmpty();
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    private static List<ConsumerRecord<String, String>> consume(String topic, String isolation, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = List.of(new TopicPartition(topic, 0));
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            await().atMost(AWAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records.subList(0, count);
    }
}
