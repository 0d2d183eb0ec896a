package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.surety.broker.SuretyBroker;
import io.surety.semantics.LoopTestCluster.Crash;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each loop's promise under an injected crash, against an in-process Surety broker with the real
 * clients: at-most-once never processes a record twice, at-least-once never skips one, exactly-once
 * neither skips nor repeats output. Counted, not assumed.
 *
 * <p>These need consumer groups (FindCoordinator, JoinGroup, SyncGroup, Heartbeat, OffsetCommit,
 * OffsetFetch) and, for exactly-once, the transaction coordinator. Each test asks the broker first
 * and is skipped, with the reason, while the broker does not serve them; they run as soon as it
 * does.
 */
class LoopsIT {

    private static final int PARTITIONS = 3;
    private static final int RECORDS = 300;
    private static final String INPUT = "input";

    private SuretyBroker broker;
    private final Map<String, Integer> processed = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        broker = SuretyBroker.builder().tempDataDir().start();
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void shouldNeverProcessARecordTwiceAtMostOnce() throws Exception {
        assumeGroups();
        String group = "amo";
        Function<CrashHook, ProcessingLoop> loops = hook -> AtMostOnceLoop.builder(consumer(Guarantee.AT_MOST_ONCE, group))
                .topics(List.of(INPUT)).handler(this::count).crashHook(hook).build();
        runCrashedThenDrain(loops, LoopTestCluster.crashAt(CrashPoint.AFTER_COMMIT_BEFORE_PROCESS, 2), group);
        assertThat(processed.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
        assertThat(processed.size()).as("the batch committed before the crash is lost").isLessThan(RECORDS);
    }

    @Test
    void shouldNeverSkipARecordAtLeastOnce() throws Exception {
        assumeGroups();
        String group = "alo";
        Function<CrashHook, ProcessingLoop> loops = hook -> AtLeastOnceLoop.builder(consumer(Guarantee.AT_LEAST_ONCE, group))
                .topics(List.of(INPUT)).handler(this::count).crashHook(hook).build();
        runCrashedThenDrain(loops, LoopTestCluster.crashAt(CrashPoint.AFTER_PROCESS_BEFORE_COMMIT, 2), group);
        assertThat(processed).hasSize(RECORDS);
        assertThat(processed.values()).as("the batch processed before the crash is processed again")
                .anySatisfy(count -> assertThat(count).isGreaterThan(1));
    }

    @Test
    void shouldNeitherSkipNorRepeatOutputExactlyOnce() throws Exception {
        assumeGroups();
        String missing = BrokerProbe.transactionsMissing(broker.bootstrapServers());
        assumeTrue(missing.isEmpty(), missing);
        String group = "eos";
        Function<CrashHook, ProcessingLoop> loops = hook -> ExactlyOnceLoop.builder(
                        consumer(Guarantee.EXACTLY_ONCE, group),
                        Guarantee.EXACTLY_ONCE.newProducer(Map.of("bootstrap.servers", broker.bootstrapServers(),
                                "transactional.id", "copier-0"), new StringSerializer(), new StringSerializer()))
                .topics(List.of(INPUT))
                .transformer(record -> {
                    count(record);
                    return List.of(new ProducerRecord<>("output", record.key(), "out:" + record.value()));
                })
                .crashHook(hook).build();
        runCrashedThenDrain(loops, LoopTestCluster.crashAt(CrashPoint.AFTER_PROCESS_BEFORE_COMMIT, 2), group);
        Map<String, Integer> output = readCommitted("output");
        assertThat(output).hasSize(RECORDS);
        assertThat(output.values()).allSatisfy(count -> assertThat(count).isEqualTo(1));
        assertThat(processed.values()).as("the aborted batch was transformed again")
                .anySatisfy(count -> assertThat(count).isGreaterThan(1));
    }

    private void assumeGroups() throws Exception {
        String missing = BrokerProbe.groupsMissing(broker.bootstrapServers());
        assumeTrue(missing.isEmpty(), missing);
        BrokerProbe.createTopic(broker.bootstrapServers(), INPUT, PARTITIONS);
        BrokerProbe.createTopic(broker.bootstrapServers(), "output", PARTITIONS);
        try (Producer<String, String> producer = Guarantee.AT_LEAST_ONCE.newProducer(
                Map.of("bootstrap.servers", broker.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                producer.send(new ProducerRecord<>(INPUT, "k" + i, "v" + i));
            }
            producer.flush();
        }
    }

    private org.apache.kafka.clients.consumer.Consumer<String, String> consumer(Guarantee guarantee, String group) {
        return guarantee.newConsumer(Map.of("bootstrap.servers", broker.bootstrapServers(), "group.id", group,
                "auto.offset.reset", "earliest", "max.poll.records", 25), new StringDeserializer(), new StringDeserializer());
    }

    private void count(ConsumerRecord<String, String> record) {
        processed.merge(record.value(), 1, Integer::sum);
    }

    /** Runs one incarnation until it crashes at the hook, then another until the group has committed everything. */
    private void runCrashedThenDrain(Function<CrashHook, ProcessingLoop> loops, CrashHook crash, String group)
            throws Exception {
        ProcessingLoop crashing = loops.apply(crash);
        assertThatThrownBy(crashing::run).isInstanceOf(Crash.class);
        ProcessingLoop draining = loops.apply(CrashHook.NONE);
        CompletableFuture<LoopExit> exit = CompletableFuture.supplyAsync(draining::run);
        await().atMost(BrokerProbe.timeout()).pollInterval(Duration.ofMillis(200)).until(() -> committedToEnd(group));
        draining.shutdown();
        assertThat(exit.get(60, TimeUnit.SECONDS)).isInstanceOf(LoopExit.ShutDown.class);
    }

    private boolean committedToEnd(String group) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < PARTITIONS; p++) {
                latest.put(new TopicPartition(INPUT, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            return ends.entrySet().stream().allMatch(e -> committed.get(e.getKey()) != null
                    && committed.get(e.getKey()).offset() >= e.getValue().offset());
        }
    }

    private Map<String, Integer> readCommitted(String topic) {
        Map<String, Integer> values = new HashMap<>();
        BrokerProbe.readToEnd(broker.bootstrapServers(), topic, PARTITIONS, Map.of("isolation.level", "read_committed"),
                r -> values.merge(r.value(), 1, Integer::sum));
        return values;
    }
}
