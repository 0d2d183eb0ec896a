package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.coordinator.GroupCoordinator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
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
 * The broker's own state — committed offsets and transaction state, kept in the coordinator
 * journal under {@code __consumer_offsets-0} — stays bounded however long a workload runs: a
 * consumer commits offsets thousands of times and a transactional producer runs hundreds of
 * transactions with offsets, and the journal never grows past {@code offsets.topic.segment.bytes}
 * plus one compaction's slack, while the state it keeps (the last offsets) survives a restart.
 */
class InternalLogsBoundedIT {

    private static final String TOPIC = "bounded";
    private static final int PARTITIONS = 4;
    private static final int COMMITS = 2_000;
    private static final int TRANSACTIONS = 200;
    private static final long SEGMENT_BYTES = 16 * 1024;
    /** Compaction is checked after every round of operations; one round adds at most a few KiB. */
    private static final long BOUND_BYTES = SEGMENT_BYTES + 16 * 1024;

    @TempDir
    Path dataDir;

    @Test
    void shouldKeepCoordinatorJournalBoundedWhenOffsetsAreCommittedRepeatedly() throws Exception {
        Map<String, String> brokerConfig = Map.of("offsets.topic.segment.bytes", Long.toString(SEGMENT_BYTES),
                "group.initial.rebalance.delay.ms", "0");
        Map<TopicPartition, OffsetAndMetadata> lastPlain = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> lastTransactional = new HashMap<>();
        long maxJournalBytes = 0;
        long appendedEstimate = 0;
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(dataDir).configs(brokerConfig).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, PARTITIONS, (short) 1))).all().get(30, TimeUnit.SECONDS);
            try (KafkaConsumer<String, String> consumer = consumer(broker, "committer")) {
                for (int i = 1; i <= COMMITS; i++) {
                    for (int p = 0; p < PARTITIONS; p++) {
                        lastPlain.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(i * 10L + p, "commit " + i));
                    }
                    consumer.commitSync(lastPlain);
                    appendedEstimate += PARTITIONS * 60L;
                    if (i % 50 == 0) {
                        maxJournalBytes = Math.max(maxJournalBytes, journalBytes(broker));
                    }
                }
            }
            try (KafkaProducer<String, String> producer = transactionalProducer(broker);
                    KafkaConsumer<String, String> groupMember = consumer(broker, "transactional")) {
                producer.initTransactions();
                ConsumerGroupMetadata group = groupMember.groupMetadata();
                for (int i = 1; i <= TRANSACTIONS; i++) {
                    producer.beginTransaction();
                    producer.send(new ProducerRecord<>(TOPIC, i % PARTITIONS, "k", "v" + i));
                    for (int p = 0; p < PARTITIONS; p++) {
                        lastTransactional.put(new TopicPartition(TOPIC, p), new OffsetAndMetadata(i * 7L + p));
                    }
                    producer.sendOffsetsToTransaction(lastTransactional, group);
                    producer.commitTransaction();
                    appendedEstimate += 600;
                    if (i % 10 == 0) {
                        maxJournalBytes = Math.max(maxJournalBytes, journalBytes(broker));
                    }
                }
            }
            System.out.println("InternalLogsBoundedIT: " + COMMITS + " offset commits of " + PARTITIONS + " partitions and "
                    + TRANSACTIONS + " transactions with offsets (about " + appendedEstimate
                    + " bytes journalled); the journal never exceeded " + maxJournalBytes + " bytes (bound "
                    + BOUND_BYTES + ")");
            assertThat(maxJournalBytes).isPositive().isLessThanOrEqualTo(BOUND_BYTES);
            assertThat(appendedEstimate).isGreaterThan(10 * BOUND_BYTES);
            try (Stream<Path> files = Files.list(journalDir(broker))) {
                assertThat(files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".journal"))).hasSize(1);
            }
        }

        try (SuretyBroker restarted = SuretyBroker.builder().dataDir(dataDir).configs(brokerConfig).start()) {
            assertThat(committed(restarted, "committer")).isEqualTo(lastPlain);
            assertThat(committed(restarted, "transactional")).isEqualTo(lastTransactional);
            assertThat(journalBytes(restarted)).isLessThanOrEqualTo(BOUND_BYTES);
        }
    }

    private static Path journalDir(SuretyBroker broker) {
        return broker.dataDir().resolve(GroupCoordinator.DATA_DIRECTORY);
    }

    /**
     * The journal's size on disk. The coordinator may replace the journal (its rewrite) between the
     * listing and the sizing of a file; the sum is then taken again from a fresh listing.
     */
    private static long journalBytes(SuretyBroker broker) throws IOException {
        while (true) {
            long total = 0;
            try (Stream<Path> files = Files.list(journalDir(broker))) {
                for (Path file : files.toList()) {
                    total += Files.size(file);
                }
                return total;
            } catch (NoSuchFileException replacedMeanwhile) {
                // Listed, then replaced by the rewrite before it was sized: list again.
            }
        }
    }

    private static Map<TopicPartition, OffsetAndMetadata> committed(SuretyBroker broker, String group) {
        try (KafkaConsumer<String, String> consumer = consumer(broker, group)) {
            Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                OffsetAndMetadata offset = consumer.committed(java.util.Set.of(tp), Duration.ofSeconds(30)).get(tp);
                out.put(tp, offset == null ? null : new OffsetAndMetadata(offset.offset(), offset.metadata()));
            }
            return out;
        }
    }

    private static KafkaConsumer<String, String> consumer(SuretyBroker broker, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    private static KafkaProducer<String, String> transactionalProducer(SuretyBroker broker) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bounded-txn");
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
