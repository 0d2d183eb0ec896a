package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.CompressionType;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * KafkaJS 2.2.4 (the pure-JavaScript client, its own implementation of the protocol) against an
 * in-process broker: its scripts in {@code src/test/js/kafkajs} run under node, and what they did
 * is read back with kafka-clients — the topics, the stored batches (codec, producer id and
 * sequences), the records with their headers and timestamps, the groups' committed offsets.
 * Skipped, saying why, without node and npm or without the npm registry ({@link NodeScripts}).
 *
 * <p>KafkaJS resolves a regular-expression subscription once, when it subscribes: a topic created
 * later that matches is not consumed until the consumer subscribes again (Java's client does pick
 * it up), so the regex test covers the topics that exist at subscription. KafkaJS compresses with
 * gzip only (snappy, lz4 and zstd are plug-in codecs outside the package).
 */
class KafkajsIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-kafkajs-");

    private static final Duration CONSUMER_STOP_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration AWAIT = Duration.ofSeconds(60);
    private static final long BASE_TIMESTAMP = 1_700_000_000_000L;
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);

    private static NodeScripts.Setup setup;
    private static NodeScripts scripts;
    private static SuretyBroker broker;
    private static Admin admin;
    private static String bootstrap;
    private LogCapture log;

    @BeforeAll
    static void start() throws Exception {
        setup = NodeScripts.install("kafkajs", DATA.dir().resolve("runs"), NPM_TIMEOUT);
        if (!setup.available()) {
            return;
        }
        scripts = setup.scripts();
        broker = SuretyBroker.builder().dataDir(DATA.dir().resolve("data"))
                .config("group.initial.rebalance.delay.ms", "0").start();
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
    void shouldListEveryTopicWhenKafkajsFetchesMetadataOfAllTopics() throws Exception {
        createTopic("meta-two", 2);
        createTopic("meta-three", 3);
        int nodeId = admin.describeCluster().nodes().get().iterator().next().id();

        ClientProcess.Result listed = succeeded(scripts.run("metadata.js", bootstrap));

        assertThat(listed.lines()).contains("listed meta-two", "listed meta-three",
                "topic meta-two 2 " + nodeId, "topic meta-three 3 " + nodeId);
        assertThat(succeeded(scripts.run("admin.js", bootstrap, "cluster")).lines()).containsExactly(
                "broker " + nodeId + " 127.0.0.1:" + broker.port(), "controller " + nodeId,
                "cluster-id " + admin.describeCluster().clusterId().get());
        createTopic("meta-later", 1);
        assertThat(succeeded(scripts.run("metadata.js", bootstrap)).lines()).as("a topic created since")
                .contains("listed meta-later", "topic meta-later 1 " + nodeId);
        assertQuietBroker();
    }

    @Test
    void shouldCreateDescribeGrowAndDeleteATopicWhenKafkajsAdminAsks() throws Exception {
        String topic = "kafkajs-admin-topic";

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "create", topic, "2", "retention.ms=3600000",
                "cleanup.policy=compact")).lines()).containsExactly("created " + topic + " true");
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(2);
        Config stored = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        assertThat(stored.get("retention.ms").value()).isEqualTo("3600000");
        assertThat(stored.get("cleanup.policy").value()).isEqualTo("compact");

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "configs", topic, "retention.ms", "cleanup.policy"))
                .lines()).containsExactlyInAnyOrder("config topic retention.ms 3600000", "config topic cleanup.policy compact",
                "config broker num.partitions 1");

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "partitions", topic, "5")).lines())
                .containsExactly("partitions " + topic + " 5");
        assertThat(admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()).hasSize(5);

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "delete", topic)).lines())
                .containsExactly("deleted " + topic);
        await().atMost(AWAIT).untilAsserted(() -> assertThat(admin.listTopics().names().get()).doesNotContain(topic));
        assertQuietBroker();
    }

    @Test
    void shouldReplaceEveryOverrideWhenKafkajsAltersTopicConfigs() throws Exception {
        String topic = "kafkajs-alter-configs";
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact", "retention.ms", "1000")))).all().get();

        // KafkaJS has only the original AlterConfigs, whose configs replace the resource's overrides.
        assertThat(succeeded(scripts.run("admin.js", bootstrap, "alter", topic, "retention.ms=5000",
                "max.message.bytes=2000")).lines()).containsExactly("altered " + topic);

        Config stored = admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, topic)))
                .all().get().values().iterator().next();
        assertThat(stored.get("retention.ms").value()).isEqualTo("5000");
        assertThat(stored.get("max.message.bytes").value()).isEqualTo("2000");
        assertThat(stored.get("cleanup.policy").value()).as("an override not named is removed").isEqualTo("delete");
        assertThat(stored.get("cleanup.policy").source()).isNotEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertQuietBroker();
    }

    @Test
    void shouldStoreGzipBatchesWithHeadersAndTimestampsWhenKafkajsProducesCompressed() throws Exception {
        String topic = "kafkajs-gzip";
        createTopic(topic, 1);
        int count = 200;

        ClientProcess.Result produced = succeeded(scripts.run("produce.js", bootstrap, topic, Integer.toString(count),
                "gzip", "plain"));

        assertThat(produced.lines()).containsExactly("sent 0 0", "sent 0 50", "sent 0 100", "sent 0 150");
        List<RecordBatch> batches = StoredBatches.read(broker.port(), topic, 0);
        assertThat(batches).hasSize(4).allSatisfy(batch -> assertThat(batch.compressionType())
                .as("batch at offset %d", batch.baseOffset()).isEqualTo(CompressionType.GZIP));
        assertThat(StoredBatches.recordCount(batches)).isEqualTo(count);

        List<ConsumerRecord<String, String>> records = consume(topic, 1, "read_uncommitted", count);
        assertThat(records).hasSize(count);
        for (int i = 0; i < count; i++) {
            ConsumerRecord<String, String> record = records.get(i);
            assertThat(record.offset()).isEqualTo(i);
            assertThat(record.key()).isEqualTo("key-" + i);
            assertThat(record.value()).startsWith("value-" + i + " compressible");
            assertThat(record.timestampType()).isEqualTo(TimestampType.CREATE_TIME);
            assertThat(record.timestamp()).isEqualTo(BASE_TIMESTAMP + i);
            assertThat(headers(record)).containsExactly("index=" + i, "origin=kafkajs");
        }
        assertQuietBroker();
    }

    @Test
    void shouldStoreOneProducerIdWithContiguousSequencesWhenKafkajsProducesIdempotently() throws Exception {
        String topic = "kafkajs-idempotent";
        createTopic(topic, 1);
        int count = 120;

        succeeded(scripts.run("produce.js", bootstrap, topic, Integer.toString(count), "none", "idempotent"));

        List<RecordBatch> batches = StoredBatches.read(broker.port(), topic, 0);
        assertThat(batches).hasSize(3);
        long producerId = batches.get(0).producerId();
        assertThat(producerId).isNotEqualTo(RecordBatch.NO_PRODUCER_ID);
        for (RecordBatch batch : batches) {
            assertThat(batch.producerId()).isEqualTo(producerId);
            assertThat(batch.compressionType()).isEqualTo(CompressionType.NONE);
            assertThat((long) batch.baseSequence()).as("the sequence of the batch at %d", batch.baseOffset())
                    .isEqualTo(batch.baseOffset());
        }
        assertThat(consume(topic, 1, "read_uncommitted", count)).extracting(ConsumerRecord::key)
                .containsExactlyElementsOf(IntStream.range(0, count).mapToObj(i -> "key-" + i).toList());
        assertQuietBroker();
    }

    @Test
    void shouldHideAbortedRecordsAndKeepTransactionalOffsetsWhenKafkajsUsesTransactions() throws Exception {
        String topic = "kafkajs-transactions";
        String group = "kafkajs-transactions-group";
        createTopic(topic, 1);

        assertThat(succeeded(scripts.run("transactions.js", bootstrap, topic, "kafkajs-txn", group)).lines())
                .containsExactly("committed 10", "aborted 10", "committed 10");

        List<String> committed = IntStream.range(0, 20).mapToObj(i -> "committed-" + i).toList();
        assertThat(consume(topic, 1, "read_committed", 20)).extracting(ConsumerRecord::value)
                .containsExactlyElementsOf(committed);
        assertThat(consume(topic, 1, "read_uncommitted", 30)).extracting(ConsumerRecord::value)
                .as("the aborted records are in the log").contains("aborted-0", "aborted-9");
        assertThat(committedOffsets(group)).containsExactly(Map.entry(new TopicPartition(topic, 0), 7L));

        // KafkaJS's consumer reads read_committed from the offset its group committed in the transaction.
        try (ClientProcess consumer = scripts.start("consume.js", bootstrap, group, topic)) {
            await().atMost(AWAIT).until(() -> consumer.linesSoFar().stream().anyMatch(l -> l.contains(" committed-19 ")));
            List<String> values = values(consumer.linesSoFar());
            assertThat(values).containsExactlyElementsOf(committed.subList(7, 20));
            assertThat(consumer.stop(CONSUMER_STOP_TIMEOUT).exitCode()).isZero();
        }
        assertQuietBroker();
    }

    @Test
    void shouldSharePartitionsAndCommitOffsetsWhenTwoKafkajsMembersConsumeAsAGroup() throws Exception {
        String topic = "kafkajs-group";
        String group = "kafkajs-group";
        int partitions = 4;
        int perPartition = 10;
        createTopic(topic, partitions);

        try (ClientProcess first = scripts.start("consume.js", bootstrap, group, topic);
                ClientProcess second = scripts.start("consume.js", bootstrap, group, topic)) {
            await().atMost(AWAIT).untilAsserted(() -> {
                Set<String> a = lastAssignment(first);
                Set<String> b = lastAssignment(second);
                assertThat(a).hasSize(2).doesNotContainAnyElementsOf(b);
                assertThat(b).hasSize(2);
            });
            Set<String> firstPartitions = lastAssignment(first);
            Set<String> secondPartitions = lastAssignment(second);

            produce(topic, partitions, perPartition);
            await().atMost(AWAIT).untilAsserted(() -> assertThat(records(first).size() + records(second).size())
                    .isEqualTo(partitions * perPartition));
            assertThat(records(first)).allSatisfy(r -> assertThat(firstPartitions).contains(r.topicPartition()));
            assertThat(records(second)).allSatisfy(r -> assertThat(secondPartitions).contains(r.topicPartition()));
            await().atMost(AWAIT).untilAsserted(() -> assertThat(committedOffsets(group))
                    .containsOnlyKeys(IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList())
                    .allSatisfy((partition, offset) -> assertThat(offset).isEqualTo(perPartition)));

            List<String> groups = succeeded(scripts.run("admin.js", bootstrap, "groups", group, topic)).lines();
            assertThat(groups).contains("listed " + group + " consumer", "described " + group + " Stable consumer 2");
            assertThat(groups).containsAll(IntStream.range(0, partitions)
                    .mapToObj(p -> "committed " + topic + " " + p + " " + perPartition).toList());

            first.signalStop();
            second.signalStop();
            assertThat(first.stop(CONSUMER_STOP_TIMEOUT).exitCode()).isZero();
            assertThat(second.stop(CONSUMER_STOP_TIMEOUT).exitCode()).isZero();
        }
        ConsumerGroupDescription left = admin.describeConsumerGroups(List.of(group)).all().get().get(group);
        assertThat(left.groupState()).as("both members left on disconnect").isEqualTo(GroupState.EMPTY);
        assertQuietBroker();
    }

    @Test
    void shouldConsumeOnlyMatchingTopicsWhenKafkajsSubscribesWithARegex() throws Exception {
        createTopic("regex-orders", 1);
        createTopic("regex-payments", 2);
        createTopic("other-orders", 1);
        produce("regex-orders", 1, 5);
        produce("regex-payments", 2, 5);
        produce("other-orders", 1, 5);

        try (ClientProcess consumer = scripts.start("consume.js", bootstrap, "kafkajs-regex", "/^regex-.*$/")) {
            await().atMost(AWAIT).untilAsserted(() -> assertThat(records(consumer)).hasSize(15));
            assertThat(lastAssignment(consumer)).containsExactlyInAnyOrder("regex-orders:0", "regex-payments:0",
                    "regex-payments:1");
            assertThat(records(consumer)).extracting(ConsumedLine::topic).doesNotContain("other-orders");
            assertThat(consumer.stop(CONSUMER_STOP_TIMEOUT).exitCode()).isZero();
        }
        assertQuietBroker();
    }

    @Test
    void shouldListOffsetsAndDeleteRecordsWhenKafkajsAdminAsks() throws Exception {
        String topic = "kafkajs-offsets";
        createTopic(topic, 2);
        produceTimestamped(topic, 50);

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "offsets", topic)).lines())
                .containsExactly("offsets 0 0 50", "offsets 1 0 0");
        assertThat(succeeded(scripts.run("admin.js", bootstrap, "offsets-at", topic, Long.toString(BASE_TIMESTAMP + 10)))
                .lines()).as("KafkaJS gives the high watermark where no record is that recent")
                .containsExactly("offset-at 0 10", "offset-at 1 0");
        assertThat(succeeded(scripts.run("admin.js", bootstrap, "delete-records", topic, "0", "20")).lines())
                .containsExactly("offsets 0 20 50", "offsets 1 0 0");
        TopicPartition partition = new TopicPartition(topic, 0);
        assertThat(admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition).get().offset())
                .isEqualTo(20);
        assertThat(succeeded(scripts.run("admin.js", bootstrap, "offsets-at", topic, Long.toString(BASE_TIMESTAMP + 10)))
                .lines()).as("a time before the log start finds the log start").containsExactly("offset-at 0 20",
                "offset-at 1 0");
        assertQuietBroker();
    }

    @Test
    void shouldSetAndDeleteGroupOffsetsWhenKafkajsAdminAsks() throws Exception {
        String topic = "kafkajs-set-offsets";
        String group = "kafkajs-set-offsets-group";
        createTopic(topic, 1);
        produce(topic, 1, 10);

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "set-offset", group, topic, "0", "6")).lines())
                .containsExactly("set " + group);
        assertThat(committedOffsets(group)).containsExactly(Map.entry(new TopicPartition(topic, 0), 6L));

        assertThat(succeeded(scripts.run("admin.js", bootstrap, "delete-group", group)).lines())
                .containsExactly("deleted-group " + group + " 0");
        assertThat(admin.listGroups().all().get()).extracting(GroupListing::groupId).doesNotContain(group);
        assertThat(committedOffsets(group)).isEmpty();
        assertQuietBroker();
    }

    private static ClientProcess.Result succeeded(ClientProcess.Result result) {
        assertThat(result.exitCode()).as("exit code; stderr:\n%s", result.stderr())
                .isZero();
        return result;
    }

    private void assertQuietBroker() {
        assertThat(log.keptWarnings()).isEmpty();
        assertThat(log.keptErrors()).isEmpty();
    }

    private static void createTopic(String topic, int partitions) throws ExecutionException, InterruptedException {
        admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }

    /** {@code perPartition} records to each of the first {@code partitions} partitions, keyed "p-i". */
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

    /** {@code count} records to partition 0, the i-th with the timestamp BASE_TIMESTAMP + i. */
    private static void produceTimestamped(String topic, int count) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, BASE_TIMESTAMP + i, "key-" + i, "value-" + i));
            }
            producer.flush();
        }
    }

    /** The first {@code count} records of all {@code partitions}, read with kafka-clients at {@code isolation}. */
    private static List<ConsumerRecord<String, String>> consume(String topic, int partitions, String isolation, int count) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(),
                new StringDeserializer())) {
            List<TopicPartition> assigned = IntStream.range(0, partitions).mapToObj(p -> new TopicPartition(topic, p)).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            await().atMost(AWAIT).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
                return records.size() >= count;
            });
        }
        return records.subList(0, count);
    }

    private static Map<TopicPartition, Long> committedOffsets(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> result = new HashMap<>();
        offsets.forEach((partition, offset) -> result.put(partition, offset.offset()));
        return result;
    }

    private static List<String> headers(ConsumerRecord<String, String> record) {
        List<String> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            headers.add(header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8));
        }
        return headers;
    }

    /** A "record" line of consume.js. */
    private record ConsumedLine(String topic, int partition, long offset, String value) {

        String topicPartition() {
            return topic + ":" + partition;
        }

        static ConsumedLine parse(String line) {
            String[] words = line.split(" ", 6);
            return new ConsumedLine(words[1], Integer.parseInt(words[2]), Long.parseLong(words[3]), words[5]);
        }
    }

    private static List<ConsumedLine> records(ClientProcess consumer) {
        return consumer.linesSoFar().stream().filter(l -> l.startsWith("record ")).map(ConsumedLine::parse).toList();
    }

    private static List<String> values(List<String> lines) {
        return lines.stream().filter(l -> l.startsWith("record ")).map(l -> ConsumedLine.parse(l).value()).toList();
    }

    /** The partitions of the consumer's latest join, as "topic:partition". */
    private static Set<String> lastAssignment(ClientProcess consumer) {
        List<String> joins = consumer.linesSoFar().stream().filter(l -> l.startsWith("assigned ")).toList();
        if (joins.isEmpty()) {
            return Set.of();
        }
        String last = joins.get(joins.size() - 1).substring("assigned ".length());
        return last.equals("-") ? Set.of() : new HashSet<>(List.of(last.split(",")));
    }
}
