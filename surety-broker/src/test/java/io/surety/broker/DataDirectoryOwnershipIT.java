package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.log.StartRefusedException;
import io.surety.broker.metadata.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Surety touches only a data directory it created: a foreign or Apache Kafka directory is refused
 * before a byte is written, nothing is deleted because of its name, a damaged topic definition stops
 * the start instead of costing the topic's data, and a directory written by Surety 0.1.0 is adopted.
 */
class DataDirectoryOwnershipIT {

    @TempDir
    Path dir;

    @Test
    void shouldRefuseAForeignDirectoryAndLeaveEveryByteAsItWas() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data.resolve("photos-2023"));
        Files.writeString(data.resolve("photos-2023").resolve("beach.jpg"), "jpeg bytes");
        Files.createDirectories(data.resolve("project-1").resolve("src"));
        Files.writeString(data.resolve("project-1").resolve("src").resolve("x"), "source");
        Files.writeString(data.resolve("notes.txt"), "a file");
        Map<String, String> before = listing(data);

        assertThatThrownBy(() -> start(data)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining(data.toString()).hasMessageContaining("is not a Surety data directory");

        assertThat(listing(data)).isEqualTo(before);
        assertThat(data.resolve(".lock")).doesNotExist();
        assertThatThrownBy(() -> DataDirectory.openExisting(data, 1)).as("the offline tools' way in")
                .isInstanceOf(StartRefusedException.class).hasMessageContaining("Not a Surety data directory");
        assertThat(listing(data)).isEqualTo(before);
    }

    @Test
    void shouldRefuseAnApacheKafkaDataDirectoryAndLeaveEveryByteAsItWas() throws Exception {
        Path data = copyFixture("kafka-4.3.1-data");
        Map<String, String> before = listing(data);

        assertThatThrownBy(() -> start(data)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining("is an Apache Kafka data directory");

        assertThat(listing(data)).isEqualTo(before);
        assertThat(data.resolve(".lock")).doesNotExist();
    }

    @Test
    void shouldInitialiseAnEmptyDirectoryAndOneHoldingOnlyLostAndFound() throws Exception {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path freshFileSystem = Files.createDirectories(dir.resolve("mounted").resolve("lost+found"));

        for (Path data : List.of(empty, freshFileSystem.getParent())) {
            try (SuretyBroker broker = start(data)) {
                produce(broker, "first", 3);
            }
            try (SuretyBroker broker = start(data)) {
                assertThat(readAll(broker, "first", 0, "read_uncommitted")).hasSize(3);
            }
            assertThat(Files.readString(data.resolve("meta.properties"))).contains("surety.storage.version=1");
        }
        assertThat(dir.resolve("mounted").resolve("lost+found")).isEmptyDirectory();
    }

    @Test
    void shouldAdoptADirectoryWrittenBySurety010AndServeEveryRecord() throws Exception {
        Path data = copyFixture("surety-0.1.0-data");

        try (SuretyBroker broker = start(data)) {
            assertThat(readAll(broker, "orders", 0, "read_uncommitted")).hasSize(110);
            assertThat(readAll(broker, "orders", 1, "read_uncommitted")).hasSize(105);
            assertThat(readAll(broker, "orders", 1, "read_committed")).hasSize(100);
            assertThat(readAll(broker, "orders", 2, "read_uncommitted")).hasSize(100);
            assertThat(readAll(broker, "profiles", 0, "read_uncommitted")).extracting(ConsumerRecord::key)
                    .containsAll(List.of("user-0", "user-9")).hasSizeGreaterThanOrEqualTo(10);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                Map<TopicPartition, OffsetAndMetadata> offsets =
                        admin.listConsumerGroupOffsets("fixture-group").partitionsToOffsetAndMetadata().get();
                assertThat(offsets).containsEntry(new TopicPartition("orders", 0), new OffsetAndMetadata(40))
                        .containsEntry(new TopicPartition("orders", 1), new OffsetAndMetadata(41))
                        .containsEntry(new TopicPartition("orders", 2), new OffsetAndMetadata(42));
            }
            assertThat(broker.health().unknownEntries()).isEmpty();
        }
        Properties meta = new Properties();
        meta.load(Files.newBufferedReader(data.resolve("meta.properties")));
        assertThat(meta.getProperty("surety.storage.version")).isEqualTo("1");
        Properties original = new Properties();
        original.load(Files.newBufferedReader(fixture("surety-0.1.0-data").resolve("meta.properties")));
        assertThat(meta.getProperty("cluster.id")).isEqualTo(original.getProperty("cluster.id"));
    }

    @Test
    void shouldRefuseToStartNamingADamagedTopicFileAndKeepTheTopicsData() throws Exception {
        Path data = dir.resolve("data");
        try (SuretyBroker broker = start(data)) {
            produce(broker, "kept", 5);
        }
        Path definition = data.resolve("topics").resolve("kept.properties");
        Files.writeString(definition, "partitions=many\n");
        Map<String, String> before = listing(data.resolve("kept-0"));

        assertThatThrownBy(() -> start(data)).isInstanceOf(StartRefusedException.class)
                .hasMessageContaining(definition.toAbsolutePath().normalize().toString())
                .hasMessageContaining("is damaged");

        assertThat(listing(data.resolve("kept-0"))).isEqualTo(before);
    }

    @Test
    void shouldKeepAndReportAPartitionDirectoryWhoseTopicFileIsGoneUntilTheFileIsBack() throws Exception {
        Path data = dir.resolve("data");
        try (SuretyBroker broker = start(data)) {
            produce(broker, "orphan", 20);
        }
        Path definition = data.resolve("topics").resolve("orphan.properties");
        Path saved = dir.resolve("orphan.properties.saved");
        Files.move(definition, saved);
        Map<String, String> before = listing(data.resolve("orphan-0"));

        try (SuretyBroker broker = start(data)) {
            assertThat(broker.health().unknownEntries()).containsExactly("orphan-0");
            assertThat(broker.health().started()).isTrue();
        }
        assertThat(listing(data.resolve("orphan-0"))).isEqualTo(before);

        Files.move(saved, definition);
        try (SuretyBroker broker = start(data)) {
            assertThat(broker.health().unknownEntries()).isEmpty();
            assertThat(readAll(broker, "orphan", 0, "read_uncommitted")).extracting(ConsumerRecord::value)
                    .containsExactlyElementsOf(values(20));
        }
    }

    @Test
    void shouldFinishADeletionRecordedBeforeACrashAndNothingElse() throws Exception {
        Path data = dir.resolve("data");
        try (SuretyBroker broker = start(data)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("doomed", 2, (short) 1), new NewTopic("spared", 1, (short) 1)))
                        .all().get();
            }
            produce(broker, "doomed", 4);
            produce(broker, "spared", 4);
        }
        // What a crash right after the commit point of a deletion leaves: the record, and all the data.
        Path definition = data.resolve("topics").resolve("doomed.properties");
        String id = topicId(definition);
        Files.move(definition, data.resolve("topics").resolve("doomed." + id + ".deleting"));

        try (SuretyBroker broker = start(data)) {
            assertThat(data.resolve("doomed-0")).doesNotExist();
            assertThat(data.resolve("doomed-1")).doesNotExist();
            assertThat(data.resolve("topics").resolve("doomed." + id + ".deleting")).doesNotExist();
            assertThat(readAll(broker, "spared", 0, "read_uncommitted")).hasSize(4);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get()).containsExactly("spared");
            }
        }
    }

    private SuretyBroker start(Path data) throws IOException {
        return SuretyBroker.builder().port(0).dataDir(data).config("auto.create.topics.enable", "true").start();
    }

    private static List<String> values(int count) {
        List<String> values = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            values.add("value-" + i);
        }
        return values;
    }

    private static void produce(SuretyBroker broker, String topic, int count) throws Exception {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (String value : values(count)) {
                producer.send(new ProducerRecord<>(topic, 0, null, value)).get();
            }
        }
    }

    /** Every record of one partition, from its start to its end offset as the consumer sees them. */
    private static List<ConsumerRecord<String, String>> readAll(SuretyBroker broker, String topic, int partition,
            String isolation) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        TopicPartition tp = new TopicPartition(topic, partition);
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long end = consumer.endOffsets(List.of(tp)).get(tp);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (consumer.position(tp) < end && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
            }
            assertThat(consumer.position(tp)).as("read %s to its end", tp).isEqualTo(end);
        }
        return records;
    }

    private static String topicId(Path definition) throws IOException {
        Properties props = new Properties();
        try (var reader = Files.newBufferedReader(definition)) {
            props.load(reader);
        }
        return props.getProperty("id");
    }

    private Path copyFixture(String name) throws IOException {
        Path source = fixture(name);
        Path target = dir.resolve(name);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path file : files.toList()) {
                Path copy = target.resolve(source.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(copy);
                } else {
                    Files.copy(file, copy);
                }
            }
        }
        return target;
    }

    private static Path fixture(String name) {
        try {
            return Path.of(DataDirectoryOwnershipIT.class.getResource("/fixtures/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every entry under {@code root}, with the SHA-256 of each file's bytes ("dir" for a directory). */
    private static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> listing = new TreeMap<>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.toList()) {
                listing.put(root.relativize(file).toString(), Files.isDirectory(file) ? "dir" : sha256(file));
            }
        }
        return listing;
    }

    private static String sha256(Path file) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
