package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.metrics.PrometheusText;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
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
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * kcat (librdkafka), the C client most shell scripts use, against an in-process broker on
 * 127.0.0.1: metadata of all topics, keys and headers, a regex subscription that takes in a
 * topic created after it, each compression codec librdkafka has
 * stored as sent (read back raw, batch by batch), group consumption with offsets committed and
 * read back by kafka-clients' Admin, and a clean leave on close, with no WARN or ERROR from the
 * broker. Every test prints the librdkafka version it ran with ({@code kcat -V}) and names it in
 * its failures. Skipped, saying why, when kcat is not on the PATH ({@code apt-get install kcat};
 * CI installs it when it runs as root).
 *
 * <p>Debian 12's kcat 1.7.1 is built on librdkafka 2.0.2, which compresses only if the broker
 * advertises Produce from v0, and closes its consumer with LeaveGroup v1.
 */
class KcatIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-kcat-");

    private static final String LZ4_TOPIC = "kcat-lz4";
    private static final int MESSAGES = 200;
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger RUNS = new AtomicInteger();

    private static Path kcat;
    private static String librdkafka;
    private static SuretyBroker broker;
    private static Admin admin;
    private static String bootstrap;
    private LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> found = ClientProcess.onPath("kcat");
        if (found.isEmpty()) {
            return;
        }
        kcat = found.get();
        String version = ClientProcess.run(DATA.dir().resolve("kcat-version"), DATA.dir(), KCAT_TIMEOUT, "",
                Map.of(), List.of(kcat.toString(), "-V")).stdout();
        librdkafka = version.lines().filter(l -> l.startsWith("Version ")).findFirst().orElse(version.strip());
        broker = TestBrokers.startWithTopics(DATA.dir().resolve("data"), 1, List.of(LZ4_TOPIC),
                Map.of("group.initial.rebalance.delay.ms", "0"));
        bootstrap = "127.0.0.1:" + broker.port();
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
    void captureLog(TestInfo test) {
        // Checked per test, not in @BeforeAll, so that each test is reported skipped with the reason.
        Assumptions.assumeTrue(kcat != null, "kcat is not installed (apt-get install kcat): skipping the kcat tests");
        System.out.println(test.getDisplayName() + " with kcat " + librdkafka);
        log = LogCapture.attach("io.surety.broker", false);
    }

    @AfterEach
    void releaseLog() {
        if (log != null) {
            log.close();
        }
    }

    @Test
    void shouldStoreLz4BatchesAndLeaveTheGroupCleanlyWhenKcatProducesAndConsumes() throws Exception {
        StringBuilder input = new StringBuilder();
        for (int i = 0; i < MESSAGES; i++) {
            input.append("key-").append(i).append(':').append("value-").append(i).append(" ")
                    .append("compressible ".repeat(8)).append('\n');
        }
        succeeded(kcat("produce", input.toString(), "-b", bootstrap, "-P", "-t", LZ4_TOPIC, "-p", "0", "-K", ":",
                "-X", "compression.codec=lz4", "-X", "linger.ms=100"));

        List<RecordBatch> batches = StoredBatches.read(broker.port(), LZ4_TOPIC, 0);
        assertThat(batches).isNotEmpty();
        assertThat(batches).allSatisfy(batch -> assertThat(batch.compressionType())
                .as("batch at offset %d (%s)", batch.baseOffset(), librdkafka).isEqualTo(CompressionType.LZ4));
        assertThat(StoredBatches.recordCount(batches)).isEqualTo(MESSAGES);

        ClientProcess.Result consumed = succeeded(kcat("consume", "", "-b", bootstrap, "-G", "kcat-group",
                "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%k=%s\\n", LZ4_TOPIC));
        List<String> lines = consumed.lines();
        assertThat(lines).hasSize(MESSAGES);
        assertThat(lines).contains("key-0=value-0 " + "compressible ".repeat(8),
                "key-" + (MESSAGES - 1) + "=value-" + (MESSAGES - 1) + " " + "compressible ".repeat(8));

        PrometheusText scrape = PrometheusText.scrape(broker.metrics().registry());
        assertThat(scrape.value("surety_requests_total", "api", "LeaveGroup").orElse(0)).as("kcat left the group")
                .isGreaterThanOrEqualTo(1);
        assertQuietBroker();
    }

    @Test
    void shouldListEveryTopicIncludingNewOnesWhenKcatListsMetadata() throws Exception {
        createTopic("kcat-listed-two", 2);
        createTopic("kcat-listed-three", 3);

        assertThat(succeeded(kcat("list", "", "-b", bootstrap, "-L")).lines()).contains(
                "  topic \"kcat-listed-two\" with 2 partitions:", "  topic \"kcat-listed-three\" with 3 partitions:");

        createTopic("kcat-listed-later", 1);
        assertThat(succeeded(kcat("list-again", "", "-b", bootstrap, "-L")).lines()).as("a topic created since")
                .contains("  topic \"kcat-listed-later\" with 1 partitions:", "  topic \"kcat-listed-two\" with 2 partitions:");
        assertQuietBroker();
    }

    @Test
    void shouldKeepKeysAndHeadersWhenKcatProduces() throws Exception {
        String topic = "kcat-headers";
        createTopic(topic, 1);
        String input = IntStream.range(0, 20).mapToObj(i -> "key-" + i + ":value-" + i + "\n").reduce("", String::concat);

        succeeded(kcat("produce-headers", input, "-b", bootstrap, "-P", "-t", topic, "-p", "0", "-K", ":",
                "-H", "origin=kcat", "-H", "trace=abc-1"));

        List<ConsumerRecord<String, String>> records = consume(topic, 1, 20);
        for (int i = 0; i < 20; i++) {
            ConsumerRecord<String, String> record = records.get(i);
            assertThat(record.key()).as(librdkafka).isEqualTo("key-" + i);
            assertThat(record.value()).isEqualTo("value-" + i);
            List<String> headers = new ArrayList<>();
            for (Header header : record.headers()) {
                headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
            }
            assertThat(headers).as(librdkafka).containsExactly("origin=kcat", "trace=abc-1");
        }
        assertQuietBroker();
    }

    @Test
    void shouldCommitOffsetsAdminCanReadWhenKcatConsumesAsAGroup() throws Exception {
        String topic = "kcat-group-offsets";
        String group = "kcat-offsets-group";
        int partitions = 3;
        int perPartition = 10;
        createTopic(topic, partitions);
        produce(topic, partitions, perPartition);

        ClientProcess.Result consumed = succeeded(kcat("consume-group", "", "-b", bootstrap, "-G", group,
                "-X", "auto.offset.reset=earliest", "-e", "-q", "-f", "%p %k\\n", topic));

        assertThat(consumed.lines()).hasSize(partitions * perPartition);
        Map<TopicPartition, Long> committed = new HashMap<>();
        admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get()
                .forEach((partition, offset) -> committed.put(partition, offset.offset()));
        Map<TopicPartition, Long> expected = new HashMap<>();
        IntStream.range(0, partitions).forEach(p -> expected.put(new TopicPartition(topic, p), (long) perPartition));
        assertThat(committed).as("offsets committed by kcat (%s) on close", librdkafka).isEqualTo(expected);
        assertQuietBroker();
    }

    @Test
    void shouldConsumeATopicCreatedLaterWhenKcatSubscribesWithARegex() throws Exception {
        createTopic("kcat-regex-first", 1);
        createTopic("kcat-unmatched", 1);
        produce("kcat-regex-first", 1, 3);
        produce("kcat-unmatched", 1, 3);
        // librdkafka matches the pattern against the metadata of all topics, refreshed every 500 ms
        // here; a pattern that matches no topic at all is an error kcat stops on, hence the first topic.
        List<String> command = List.of(kcat.toString(), "-b", bootstrap, "-G", "kcat-regex-group",
                "-X", "topic.metadata.refresh.interval.ms=500", "-X", "auto.offset.reset=earliest",
                "-u", "-q", "-f", "%t %k\\n", "^kcat-regex-.*");
        Path output = DATA.dir().resolve("kcat-" + RUNS.incrementAndGet() + "-regex");
        try (ClientProcess consumer = ClientProcess.start(output, DATA.dir(), Map.of(), command)) {
            await().atMost(KCAT_TIMEOUT).untilAsserted(() -> assertThat(consumer.linesSoFar())
                    .containsExactlyInAnyOrder("kcat-regex-first 0-0", "kcat-regex-first 0-1", "kcat-regex-first 0-2"));

            createTopic("kcat-regex-later", 2);
            produce("kcat-regex-later", 2, 2);

            await().atMost(KCAT_TIMEOUT).untilAsserted(() -> assertThat(consumer.linesSoFar()).as(librdkafka)
                    .contains("kcat-regex-later 0-0", "kcat-regex-later 0-1", "kcat-regex-later 1-0",
                            "kcat-regex-later 1-1"));
            assertThat(consumer.terminate(KCAT_TIMEOUT).exitCode()).isZero();
            assertThat(consumer.linesSoFar()).hasSize(7).noneMatch(line -> line.startsWith("kcat-unmatched"));
        }
        assertQuietBroker();
    }

    @ParameterizedTest
    @EnumSource(value = CompressionType.class, names = {"GZIP", "SNAPPY", "LZ4", "ZSTD"})
    void shouldStoreEachCodecAsSentWhenKcatProducesCompressed(CompressionType codec) throws Exception {
        String topic = "kcat-codec-" + codec.name;
        createTopic(topic, 1);
        int count = 100;
        String input = IntStream.range(0, count).mapToObj(i -> "key-" + i + ":value-" + i + " "
                + "compressible ".repeat(8) + "\n").reduce("", String::concat);

        succeeded(kcat("produce-" + codec.name, input, "-b", bootstrap, "-P", "-t", topic, "-p", "0", "-K", ":",
                "-X", "compression.codec=" + codec.name, "-X", "linger.ms=100"));

        List<RecordBatch> batches = StoredBatches.read(broker.port(), topic, 0);
        assertThat(batches).isNotEmpty().allSatisfy(batch -> assertThat(batch.compressionType())
                .as("batch at offset %d (%s)", batch.baseOffset(), librdkafka).isEqualTo(codec));
        assertThat(StoredBatches.recordCount(batches)).isEqualTo(count);
        assertThat(consume(topic, 1, count)).extracting(ConsumerRecord::key)
                .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "key-" + i).toList());
        assertQuietBroker();
    }

    private void assertQuietBroker() {
        assertThat(log.keptWarnings()).isEmpty();
        assertThat(log.keptErrors()).isEmpty();
    }

    private static ClientProcess.Result succeeded(ClientProcess.Result result) {
        assertThat(result.exitCode()).as("kcat exit code (%s); stderr: %s", librdkafka, result.stderr()).isZero();
        return result;
    }

    /** Runs kcat with {@code args} and {@code stdin}; its output is kept with the test's data. */
    private static ClientProcess.Result kcat(String name, String stdin, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(kcat.toString()));
        command.addAll(List.of(args));
        Path output = DATA.dir().resolve("kcat-" + RUNS.incrementAndGet() + "-" + name);
        return ClientProcess.run(output, DATA.dir(), KCAT_TIMEOUT, stdin, Map.of(), command);
    }

    private static void createTopic(String topic, int partitions) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
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

    /** The first {@code count} records of the topic's partitions, read with kafka-clients. */
    private static List<ConsumerRecord<String, String>> consume(String topic, int partitions, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            await().atMost(KCAT_TIMEOUT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records.subList(0, count);
    }
}
