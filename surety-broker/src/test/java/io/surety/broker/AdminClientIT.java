package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.ConfigEntry.ConfigSource;
import org.apache.kafka.clients.admin.CreateTopicsOptions;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.clients.admin.DescribeTopicsOptions;
import org.apache.kafka.clients.admin.NewPartitions;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.LogTruncationException;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicCollection;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.OffsetOutOfRangeException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicDeletionDisabledException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicIdException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

/**
 * The topic and config administration APIs, driven by the real kafka-clients {@link Admin}
 * against one in-process broker. Every test uses its own topic names, so tests run in any order.
 */
class AdminClientIT {

    private static final long TIMEOUT_S = 30;
    /** Set explicitly, so topics inherit segment.bytes from a STATIC_BROKER_CONFIG. */
    private static final String BROKER_SEGMENT_BYTES = "536870912";
    private static final int BROKER_NUM_PARTITIONS = 2;

    private static SuretyBroker broker;
    private static Admin admin;

    @BeforeAll
    static void startBroker() throws Exception {
        broker = SuretyBroker.builder().tempDataDir()
                .config("log.segment.bytes", BROKER_SEGMENT_BYTES)
                .config("num.partitions", Integer.toString(BROKER_NUM_PARTITIONS))
                .start();
        admin = adminFor(broker);
    }

    @AfterAll
    static void stopBroker() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(TIMEOUT_S));
        }
        if (broker != null) {
            broker.close();
        }
    }

    @Test
    void shouldCreateTopicWithConfigsWhenRequested() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("created", 3, (short) 1)
                .configs(Map.of("retention.ms", "3600000"))));

        assertThat(get(result.numPartitions("created"))).isEqualTo(3);
        assertThat(get(result.replicationFactor("created"))).isEqualTo(1);
        assertThat(get(result.topicId("created"))).isNotEqualTo(Uuid.ZERO_UUID);
        ConfigEntry retention = get(result.config("created")).get("retention.ms");
        assertThat(retention.value()).isEqualTo("3600000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(get(admin.listTopics().names())).contains("created");
        TopicDescription description = describe("created");
        assertThat(description.topicId()).isEqualTo(get(result.topicId("created")));
        assertThat(description.partitions()).hasSize(3).allSatisfy(partition -> {
            assertThat(partition.leader().id()).isEqualTo(nodeId());
            assertThat(partition.replicas()).extracting(Node::id).containsExactly(nodeId());
            assertThat(partition.isr()).extracting(Node::id).containsExactly(nodeId());
        });
    }

    @Test
    void shouldUseBrokerDefaultsWhenPartitionsAndReplicationFactorAreUnset() throws Exception {
        CreateTopicsResult result = admin.createTopics(List.of(new NewTopic("defaulted", Optional.empty(), Optional.empty())));

        assertThat(get(result.numPartitions("defaulted"))).isEqualTo(BROKER_NUM_PARTITIONS);
        assertThat(get(result.replicationFactor("defaulted"))).isEqualTo(1);
        assertThat(describe("defaulted").partitions()).hasSize(BROKER_NUM_PARTITIONS);
    }

    @Test
    void shouldCreateTopicWhenAssignmentNamesThisNode() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("assigned", Map.of(0, List.of(nodeId()), 1, List.of(nodeId()))))).all());

        assertThat(describe("assigned").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1);
    }

    @Test
    void shouldNotCreateTopicWhenOnlyValidating() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("validated", 1, (short) 1)), new CreateTopicsOptions().validateOnly(true)).all());

        assertThat(get(admin.listTopics().names())).doesNotContain("validated");
    }

    @Test
    void shouldPageThroughPartitionsWhenResponseLimitIsSmall() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("paged-a", 5, (short) 1), new NewTopic("paged-b", 3, (short) 1))).all());

        Map<String, TopicDescription> described = get(admin.describeTopics(List.of("paged-a", "paged-b"),
                new DescribeTopicsOptions().partitionSizeLimitPerResponse(2)).allTopicNames());

        assertThat(described.get("paged-a").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3, 4);
        assertThat(described.get("paged-b").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2);
    }

    @Test
    void shouldReportEachConfigSourceWhenTopicConfigsAreDescribed() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("sources", 1, (short) 1).configs(Map.of("retention.ms", "7200000")))).all());

        Config config = describeConfigs(new ConfigResource(ConfigResource.Type.TOPIC, "sources"));

        ConfigEntry retention = config.get("retention.ms");
        assertThat(retention.value()).isEqualTo("7200000");
        assertThat(retention.source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(retention.type()).isEqualTo(ConfigEntry.ConfigType.LONG);
        assertThat(retention.synonyms()).extracting(ConfigEntry.ConfigSynonym::name)
                .containsExactly("retention.ms", "log.retention.hours");
        ConfigEntry segmentBytes = config.get("segment.bytes");
        assertThat(segmentBytes.value()).isEqualTo(BROKER_SEGMENT_BYTES);
        assertThat(segmentBytes.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(segmentBytes.synonyms()).singleElement().satisfies(synonym -> {
            assertThat(synonym.name()).isEqualTo("log.segment.bytes");
            assertThat(synonym.source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        });
        ConfigEntry maxMessageBytes = config.get("max.message.bytes");
        assertThat(maxMessageBytes.source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(maxMessageBytes.value()).isEqualTo(Integer.toString(1024 * 1024 + 12));
    }

    @Test
    void shouldReportStaticAndDefaultSourcesWhenBrokerConfigsAreDescribed() throws Exception {
        Config config = describeConfigs(new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodeId())));

        assertThat(config.get("log.segment.bytes").value()).isEqualTo(BROKER_SEGMENT_BYTES);
        assertThat(config.get("log.segment.bytes").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
        assertThat(config.get("message.max.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
        assertThat(config.get("message.max.bytes").isReadOnly()).isTrue();
        assertThat(describeConfigs(new ConfigResource(ConfigResource.Type.BROKER, "")).entries()).isEmpty();
    }

    @Test
    void shouldShowChangedConfigsWhenTopicConfigsAreSetAndDeleted() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("altered", 1, (short) 1).configs(Map.of("segment.bytes", "1048576")))).all());
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "altered");

        alter(topic, new AlterConfigOp(new ConfigEntry("retention.ms", "60000"), OpType.SET),
                new AlterConfigOp(new ConfigEntry("segment.bytes", null), OpType.DELETE));

        Config config = describeConfigs(topic);
        assertThat(config.get("retention.ms").value()).isEqualTo("60000");
        assertThat(config.get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
        assertThat(config.get("segment.bytes").value()).isEqualTo(BROKER_SEGMENT_BYTES);
        assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigSource.STATIC_BROKER_CONFIG);
    }

    @Test
    void shouldKeepConfigsAndPartitionsWhenBrokerRestarts(@TempDir(cleanup = CleanupMode.ON_SUCCESS) Path dataDir)
            throws Exception {
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "durable");
        try (SuretyBroker first = SuretyBroker.builder().dataDir(dataDir).start(); Admin firstAdmin = adminFor(first)) {
            get(firstAdmin.createTopics(List.of(new NewTopic("durable", 1, (short) 1)
                    .configs(Map.of("segment.bytes", "1048576")))).all());
            get(firstAdmin.incrementalAlterConfigs(Map.of(topic, List.of(
                    new AlterConfigOp(new ConfigEntry("retention.ms", "120000"), OpType.SET),
                    new AlterConfigOp(new ConfigEntry("segment.bytes", null), OpType.DELETE)))).all());
            get(firstAdmin.createPartitions(Map.of("durable", NewPartitions.increaseTo(3))).all());
        }

        try (SuretyBroker second = SuretyBroker.builder().dataDir(dataDir).start(); Admin secondAdmin = adminFor(second)) {
            Config config = get(secondAdmin.describeConfigs(List.of(topic)).all()).get(topic);
            assertThat(config.get("retention.ms").value()).isEqualTo("120000");
            assertThat(config.get("retention.ms").source()).isEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
            assertThat(config.get("segment.bytes").source()).isEqualTo(ConfigSource.DEFAULT_CONFIG);
            assertThat(get(secondAdmin.describeTopics(List.of("durable")).allTopicNames()).get("durable").partitions())
                    .hasSize(3);
        }
    }

    @Test
    void shouldAddPartitionsWhenCountIncreases() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("grown", 1, (short) 1))).all());

        get(admin.createPartitions(Map.of("grown", NewPartitions.increaseTo(4))).all());

        assertThat(describe("grown").partitions()).extracting(TopicPartitionInfo::partition).containsExactly(0, 1, 2, 3);
    }

    @Test
    void shouldMoveLogStartWhenRecordsAreDeleted() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("trimmed", 1, (short) 1))).all());
        TopicPartition partition = new TopicPartition("trimmed", 0);
        produce("trimmed", 10);

        long lowWatermark = get(admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(4)))
                .lowWatermarks().get(partition)).lowWatermark();

        assertThat(lowWatermark).isEqualTo(4);
        assertThat(get(admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition)).offset())
                .isEqualTo(4);
        assertThat(failure(admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(11))).all()))
                .isInstanceOf(OffsetOutOfRangeException.class);
    }

    @Test
    void shouldRefuseDeleteRecordsWithPolicyViolationWhenTopicIsCompactOnly() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("compact-only", 1, (short) 1)
                .configs(Map.of("cleanup.policy", "compact")))).all());
        TopicPartition partition = new TopicPartition("compact-only", 0);
        produce("compact-only", 10);

        assertThat(failure(admin.deleteRecords(Map.of(partition, RecordsToDelete.beforeOffset(4))).all()))
                .isInstanceOf(PolicyViolationException.class);

        assertThat(get(admin.listOffsets(Map.of(partition, OffsetSpec.earliest())).partitionResult(partition)).offset())
                .as("the log start did not move").isZero();
    }

    @Test
    void shouldRemoveTopicWhenDeletedAndAllowTheNameAgain() throws Exception {
        Uuid firstId = get(admin.createTopics(List.of(new NewTopic("recycled", 2, (short) 1))).topicId("recycled"));
        produce("recycled", 5);

        get(admin.deleteTopics(List.of("recycled")).all());

        assertThat(get(admin.listTopics().names())).doesNotContain("recycled");
        Uuid secondId = get(admin.createTopics(List.of(new NewTopic("recycled", 1, (short) 1))).topicId("recycled"));
        assertThat(secondId).isNotEqualTo(firstId);
        TopicPartition partition = new TopicPartition("recycled", 0);
        assertThat(get(admin.listOffsets(Map.of(partition, OffsetSpec.latest())).partitionResult(partition)).offset())
                .isZero();
        get(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(secondId))).all());
        assertThat(get(admin.listTopics().names())).doesNotContain("recycled");
    }

    @Test
    void shouldKeepRecreatedTopicDataWhenDeletedTopicFilesAreRemoved() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("reused", 1, (short) 1).configs(Map.of("file.delete.delay.ms", "1000")))).all());
        produce("reused", 3);
        get(admin.deleteTopics(List.of("reused")).all());
        get(admin.createTopics(List.of(new NewTopic("reused", 1, (short) 1))).all());
        produce("reused", 3);
        Path dataDir = broker.dataDir();

        await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> {
            try (Stream<Path> dirs = Files.list(dataDir)) {
                return dirs.noneMatch(dir -> dir.getFileName().toString().startsWith("reused-0."));
            }
        });

        try (Stream<Path> files = Files.list(dataDir.resolve("reused-0"))) {
            assertThat(files.filter(file -> file.getFileName().toString().endsWith(".log")).toList())
                    .singleElement().satisfies(segment -> assertThat(Files.size(segment)).isPositive());
        }
    }

    @Test
    void shouldDescribeThisNodeWhenClusterIsDescribed() throws Exception {
        DescribeClusterResult cluster = admin.describeCluster();

        assertThat(get(cluster.clusterId())).isEqualTo(broker.clusterId());
        assertThat(get(cluster.controller()).id()).isEqualTo(nodeId());
        assertThat(get(cluster.nodes())).singleElement().satisfies(node -> {
            assertThat(node.id()).isEqualTo(nodeId());
            assertThat(node.port()).isEqualTo(broker.port());
        });
    }

    @Test
    void shouldDetectTruncationWhenConsumerPositionIsBeyondTheEpochEnd() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("epochs", 1, (short) 1))).all());
        TopicPartition partition = new TopicPartition("epochs", 0);
        produce("epochs", 10);
        Map<String, Object> settings = Map.of("bootstrap.servers", broker.bootstrapServers(), "auto.offset.reset", "none");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(settings, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));

            consumer.seek(partition, new OffsetAndMetadata(5, Optional.of(0), ""));
            List<ConsumerRecord<String, String>> records = new ArrayList<>();
            await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
                return records.size() >= 5;
            });
            assertThat(records.get(0).offset()).isEqualTo(5);

            consumer.seek(partition, new OffsetAndMetadata(12, Optional.of(0), ""));
            LogTruncationException truncation = await().atMost(Duration.ofSeconds(TIMEOUT_S)).until(() -> {
                try {
                    consumer.poll(Duration.ofMillis(100));
                    return null;
                } catch (LogTruncationException e) {
                    return e;
                }
            }, e -> e != null);
            assertThat(truncation.divergentOffsets()).hasEntrySatisfying(partition, divergent -> {
                assertThat(divergent.offset()).isEqualTo(10);
                assertThat(divergent.leaderEpoch()).contains(0);
            });
        }
    }

    @Test
    void shouldRejectTopicWhenNameIsInvalid() {
        assertThat(failure(admin.createTopics(List.of(new NewTopic("bad name!", 1, (short) 1))).all()))
                .isInstanceOf(InvalidTopicException.class).hasMessageContaining("bad name!");
    }

    @Test
    void shouldRejectTopicWhenItAlreadyExists() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all());

        assertThat(failure(admin.createTopics(List.of(new NewTopic("taken", 1, (short) 1))).all()))
                .isInstanceOf(TopicExistsException.class).hasMessageContaining("'taken' already exists");
    }

    @Test
    void shouldRejectTopicWhenReplicationFactorExceedsTheBrokers() {
        assertThat(failure(admin.createTopics(List.of(new NewTopic("replicated", 1, (short) 3))).all()))
                .isInstanceOf(InvalidReplicationFactorException.class)
                .hasMessageContaining("Unable to replicate the partition 3 time(s): The target replication factor of 3 "
                        + "cannot be reached because only 1 broker(s) are registered.");
    }

    @Test
    void shouldRejectTopicWhenPartitionCountIsZero() {
        assertThat(failure(admin.createTopics(List.of(new NewTopic("empty", 0, (short) 1))).all()))
                .isInstanceOf(InvalidPartitionsException.class);
        assertThat(failure(admin.createTopics(List.of(new NewTopic("negative", -2, (short) 1))).all()))
                .isInstanceOf(InvalidPartitionsException.class);
    }

    @Test
    void shouldRejectAssignmentWhenItNamesAnotherBroker() {
        int other = nodeId() + 1;
        assertThat(failure(admin.createTopics(List.of(new NewTopic("elsewhere", Map.of(0, List.of(other))))).all()))
                .isInstanceOf(InvalidReplicaAssignmentException.class).hasMessageContaining("broker " + other);
    }

    @Test
    void shouldRejectConfigWhenKeyIsUnknown() throws Exception {
        assertThat(failure(admin.createTopics(List.of(new NewTopic("misconfigured", 1, (short) 1)
                .configs(Map.of("no.such.config", "1")))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.config");
        assertThat(get(admin.listTopics().names())).doesNotContain("misconfigured");

        get(admin.createTopics(List.of(new NewTopic("reconfigured", 1, (short) 1))).all());
        ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, "reconfigured");
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("no.such.config", "1"), OpType.SET)))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("no.such.config");
        assertThat(failure(admin.incrementalAlterConfigs(Map.of(topic, List.of(
                new AlterConfigOp(new ConfigEntry("retention.ms", "1"), OpType.APPEND)))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("not LIST");
        assertThat(describeConfigs(topic).get("retention.ms").source()).isNotEqualTo(ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }

    @Test
    void shouldRejectBrokerConfigChangeWhenBrokerRuns() {
        ConfigResource node = new ConfigResource(ConfigResource.Type.BROKER, Integer.toString(nodeId()));

        assertThat(failure(admin.incrementalAlterConfigs(Map.of(node, List.of(
                new AlterConfigOp(new ConfigEntry("log.retention.hours", "1"), OpType.SET)))).all()))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("server.properties");
    }

    @Test
    void shouldRejectPartitionCountWhenItDecreases() throws Exception {
        get(admin.createTopics(List.of(new NewTopic("shrunk", 3, (short) 1))).all());

        assertThat(failure(admin.createPartitions(Map.of("shrunk", NewPartitions.increaseTo(2))).all()))
                .isInstanceOf(InvalidPartitionsException.class)
                .hasMessageContaining("Topic currently has 3 partitions, which is higher than the requested 2.");
        assertThat(describe("shrunk").partitions()).hasSize(3);
    }

    @Test
    void shouldRejectDeletionWhenTopicIsUnknown() {
        assertThat(failure(admin.deleteTopics(List.of("never-created")).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failure(admin.deleteTopics(TopicCollection.ofTopicIds(List.of(Uuid.randomUuid()))).all()))
                .isInstanceOf(UnknownTopicIdException.class);
    }

    @Test
    void shouldRejectDeletionWhenDeletionIsDisabled() throws Exception {
        try (SuretyBroker locked = SuretyBroker.builder().tempDataDir().config("delete.topic.enable", "false").start();
                Admin lockedAdmin = adminFor(locked)) {
            get(lockedAdmin.createTopics(List.of(new NewTopic("kept", 1, (short) 1))).all());

            assertThat(failure(lockedAdmin.deleteTopics(List.of("kept")).all())).isInstanceOf(TopicDeletionDisabledException.class);
            assertThat(get(lockedAdmin.listTopics().names())).contains("kept");
        }
    }

    @Test
    void shouldRejectDescriptionWhenTopicIsUnknown() {
        assertThat(failure(admin.describeTopics(List.of("never-described")).allTopicNames()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
        assertThat(failure(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, "never-described"))).all()))
                .isInstanceOf(UnknownTopicOrPartitionException.class);
    }

    private static Admin adminFor(SuretyBroker target) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, target.bootstrapServers()));
    }

    private static int nodeId() {
        return broker.config().nodeId();
    }

    private static TopicDescription describe(String topic) throws Exception {
        return get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
    }

    private static Config describeConfigs(ConfigResource resource) throws Exception {
        return get(admin.describeConfigs(List.of(resource), new DescribeConfigsOptions().includeSynonyms(true)).all())
                .get(resource);
    }

    private static void alter(ConfigResource resource, AlterConfigOp... ops) throws Exception {
        get(admin.incrementalAlterConfigs(Map.of(resource, List.of(ops))).all());
    }

    private static void produce(String topic, int count) throws Exception {
        Map<String, Object> settings = Map.of("bootstrap.servers", broker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(settings, new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < count; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "k" + i, "v" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws ExecutionException, InterruptedException, TimeoutException {
        return future.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The cause of {@code future}'s failure; fails the test if it succeeds. */
    private static Throwable failure(KafkaFuture<?> future) {
        Throwable thrown = catchThrowable(() -> future.get(TIMEOUT_S, TimeUnit.SECONDS));
        assertThat(thrown).as("the request should fail").isInstanceOf(ExecutionException.class);
        return thrown.getCause();
    }
}
