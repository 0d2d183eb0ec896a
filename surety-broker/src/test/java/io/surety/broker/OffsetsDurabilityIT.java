package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Committed offsets survive {@code kill -9} of the broker (a child JVM), and the two commit orders
 * of the seeds behave as they promise when the consumer crashes at the worst moment — the broker
 * dies too, so what the group resumes from is what the coordinator made durable:
 * <ul>
 *   <li>commit, then process (at-most-once): the records of the crashed poll are lost, none repeat;
 *   <li>process, then commit (at-least-once): the records of the crashed poll repeat, none are lost.
 * </ul>
 */
class OffsetsDurabilityIT {

    private static final int RECORDS = 300;

    enum Order { COMMIT_THEN_PROCESS, PROCESS_THEN_COMMIT }

    @Test
    void shouldLoseExactlyTheCrashedPollWhenCommittingBeforeProcessing() throws Exception {
        Outcome outcome = crashMidLoop(Order.COMMIT_THEN_PROCESS, "amo");
        System.out.printf("commit-then-process: crashed poll of %d records, lost %d, duplicated %d%n",
                outcome.crashedPoll.size(), outcome.lost.size(), outcome.duplicates);
        assertThat(outcome.crashedPoll).isNotEmpty();
        assertThat(outcome.lost).containsExactlyInAnyOrderElementsOf(outcome.crashedPoll);
        assertThat(outcome.duplicates).isZero();
    }

    @Test
    void shouldRepeatExactlyTheCrashedPollWhenProcessingBeforeCommitting() throws Exception {
        Outcome outcome = crashMidLoop(Order.PROCESS_THEN_COMMIT, "alo");
        System.out.printf("process-then-commit: crashed poll of %d records, lost %d, duplicated %d%n",
                outcome.crashedPoll.size(), outcome.lost.size(), outcome.duplicates);
        assertThat(outcome.crashedPoll).isNotEmpty();
        assertThat(outcome.lost).isEmpty();
        assertThat(outcome.duplicates).isEqualTo(outcome.crashedPoll.size());
    }

    private record Outcome(List<String> crashedPoll, Set<String> lost, int duplicates) {
    }

    private Outcome crashMidLoop(Order order, String name) throws Exception {
        Path dir = Path.of("target", "it-data", "OffsetsDurabilityIT-" + name);
        deleteRecursively(dir);
        Files.createDirectories(dir);
        int port = FreePorts.find();
        String bootstrap = "127.0.0.1:" + port;
        String topic = "payments";
        try (JvmProcess broker = brokerProcess(dir, port)) {
            broker.start().awaitLogLine(Pattern.compile("Surety broker started"), Duration.ofSeconds(60));
            List<String> produced = produce(bootstrap, topic);
            List<String> processed = new ArrayList<>();
            List<String> crashedPoll = new ArrayList<>();
            Map<TopicPartition, OffsetAndMetadata> committedBeforeKill;
            KafkaConsumer<String, String> first = consumer(bootstrap);
            first.subscribe(List.of(topic));
            while (true) {
                ConsumerRecords<String, String> records = first.poll(Duration.ofMillis(200));
                if (records.isEmpty()) {
                    continue;
                }
                List<String> values = values(records);
                if (processed.size() >= RECORDS / 3) {
                    crashedPoll.addAll(values);
                    if (order == Order.COMMIT_THEN_PROCESS) {
                        first.commitSync();
                    } else {
                        processed.addAll(values);
                    }
                    break;
                }
                if (order == Order.COMMIT_THEN_PROCESS) {
                    first.commitSync();
                    processed.addAll(values);
                } else {
                    processed.addAll(values);
                    first.commitSync();
                }
            }
            committedBeforeKill = first.committed(first.assignment());
            broker.kill9();
            first.close(CloseOptions.timeout(Duration.ZERO));

            broker.start().awaitLogLine(Pattern.compile("Surety broker started"), Duration.ofSeconds(60));
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
                Map<TopicPartition, OffsetAndMetadata> afterRestart =
                        admin.listConsumerGroupOffsets("durable-group").partitionsToOffsetAndMetadata().get();
                assertThat(afterRestart).isEqualTo(withoutNulls(committedBeforeKill));
            }
            try (KafkaConsumer<String, String> second = consumer(bootstrap)) {
                second.subscribe(List.of(topic));
                long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
                Set<String> union = new HashSet<>(processed);
                while (System.nanoTime() < deadline && !union.containsAll(withoutLost(produced, order, crashedPoll))) {
                    ConsumerRecords<String, String> records = second.poll(Duration.ofMillis(200));
                    List<String> values = values(records);
                    processed.addAll(values);
                    union.addAll(values);
                    if (!records.isEmpty()) {
                        second.commitSync();
                    }
                }
            }
            Set<String> lost = new HashSet<>(produced);
            lost.removeAll(processed);
            int duplicates = processed.size() - new HashSet<>(processed).size();
            return new Outcome(crashedPoll, lost, duplicates);
        }
    }

    private static List<String> withoutLost(List<String> produced, Order order, List<String> crashedPoll) {
        List<String> expected = new ArrayList<>(produced);
        if (order == Order.COMMIT_THEN_PROCESS) {
            expected.removeAll(crashedPoll);
        }
        return expected;
    }

    private static Map<TopicPartition, OffsetAndMetadata> withoutNulls(Map<TopicPartition, OffsetAndMetadata> offsets) {
        Map<TopicPartition, OffsetAndMetadata> out = new HashMap<>();
        offsets.forEach((tp, o) -> {
            if (o != null) {
                out.put(tp, o);
            }
        });
        return out;
    }

    private static JvmProcess brokerProcess(Path dir, int port) {
        return JvmProcess.builder().mainClass(Main.class.getName())
                .classpath(System.getProperty("java.class.path")).jvmArgs("-Xmx512m")
                .args("--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                        "--override", "log.dirs=" + dir.resolve("data").toAbsolutePath(),
                        "--override", "num.partitions=3",
                        "--override", "group.initial.rebalance.delay.ms=0", "--override", "metrics.port=0")
                .logFile(dir.resolve("broker.log")).build();
    }

    private static KafkaConsumer<String, String> consumer(String bootstrap) {
        Map<String, Object> p = new HashMap<>();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "durable-group");
        p.put("enable.auto.commit", "false");
        p.put("auto.offset.reset", "earliest");
        p.put("max.poll.records", "20");
        p.put("session.timeout.ms", "6000");
        p.put("heartbeat.interval.ms", "500");
        return new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer());
    }

    private static List<String> produce(String bootstrap, String topic) throws Exception {
        List<String> values = new ArrayList<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all"), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < RECORDS; i++) {
                String value = "payment-" + i;
                producer.send(new ProducerRecord<>(topic, "k" + i, value)).get();
                values.add(value);
            }
        }
        return values;
    }

    private static List<String> values(ConsumerRecords<String, String> records) {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<String, String> r : records) {
            out.add(r.value());
        }
        return out;
    }

    private static void deleteRecursively(Path dir) throws Exception {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
