package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Exactly-once consume-transform-produce under crashes: a copier ({@link CopierMain}, a child
 * JVM) copies an input topic to an output topic with its offsets in each transaction, and is
 * killed with {@code kill -9} at random moments (often mid-transaction) and restarted; the broker
 * (also a child JVM) is killed and restarted too, so transactions are left open or prepared
 * across restarts. At the end the committed output (read_committed) must equal the input exactly:
 * every record once, in order per partition.
 *
 * <p>Sizes from system properties: {@code -Deos.records} (default 20,000), {@code -Deos.copierKills}
 * (default 6), {@code -Deos.brokerKills} (default 2); {@code -Dsurety.seed} repeats a run's kill moments.
 */
class ExactlyOnceCrashIT {

    static final String INPUT = "eos-in";
    static final String OUTPUT = "eos-out";
    static final int PARTITIONS = 3;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(120);

    @Test
    void shouldCopyEveryRecordExactlyOnceWhenCopierAndBrokerAreKilled() throws Exception {
        int records = Integer.getInteger("eos.records", 20_000);
        int copierKills = Integer.getInteger("eos.copierKills", 6);
        int brokerKills = Integer.getInteger("eos.brokerKills", 2);
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("ExactlyOnceCrashIT seed=%d (repeat with -Dsurety.seed=%d)%n", seed, seed);
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("ExactlyOnceCrashIT");
        try (ChildBroker broker = ChildBroker.start(run.dataDir("data"), run.logFile("broker"), Map.of(
                "num.partitions", String.valueOf(PARTITIONS), "group.initial.rebalance.delay.ms", "0",
                "transaction.abort.timed.out.transaction.cleanup.interval.ms", "500"))) {
            Map<Integer, List<String>> input = produceInput(broker.bootstrapServers(), records);
            Path copierLog = run.logFile("copier");
            JvmProcess copier = copier(broker.bootstrapServers(), copierLog);
            copier.start();
            int kills = 0;
            int brokerKillsDone = 0;
            int events = copierKills + brokerKills;
            for (int event = 0; event < events; event++) {
                boolean killBroker = brokerKillsDone < brokerKills
                        && (random.nextInt(events - event) < brokerKills - brokerKillsDone);
                // Kill points are spread over the input, so each one comes while there is still work to do.
                awaitProgress(broker, copier, copierLog, (long) records * (event + 1) / (events + 1));
                Thread.sleep(random.nextInt(300)); // a random moment of the copier's transaction cycle
                if (killBroker) {
                    broker.kill9();
                    broker.restart();
                    brokerKillsDone++;
                    System.out.printf("broker kill %d after %d commits%n", brokerKillsDone, countLines(copierLog, "COMMITTED"));
                } else {
                    copier.kill9();
                    kills++;
                    copier.start();
                    System.out.printf("copier kill %d after %d commits%n", kills, countLines(copierLog, "COMMITTED"));
                }
            }
            Map<Integer, List<String>> output = new TreeMap<>();
            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                broker.requireAlive();
                if (!copier.isAlive()) {
                    copier.start();
                }
                output.clear();
                output.putAll(readCommitted(broker.bootstrapServers()));
                return output.values().stream().mapToInt(List::size).sum() >= records;
            });
            copier.kill9();
            output.clear();
            output.putAll(readCommitted(broker.bootstrapServers()));
            System.out.printf("ExactlyOnceCrashIT: records=%d copier-kills=%d broker-kills=%d copier-starts=%d"
                    + " aborted-by-fencing-or-timeout=%d duration=%ds%n", records, kills, broker.kills(),
                    countLines(copierLog, "=== start"), countLines(run.logFile("broker"), "Aborting"),
                    Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
            assertThat(kills).isEqualTo(copierKills);
            assertThat(broker.kills()).isEqualTo(brokerKills);
            for (int p = 0; p < PARTITIONS; p++) {
                assertThat(output.getOrDefault(p, List.of())).as("partition %d: output equals input exactly once, in order", p)
                        .isEqualTo(input.get(p));
            }
        }
        run.passed();
    }

    static JvmProcess copier(String bootstrap, Path logFile) throws IOException {
        Path argFile = logFile.resolveSibling(logFile.getFileName() + ".classpath");
        Files.writeString(argFile, "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n");
        return JvmProcess.builder().mainClass(CopierMain.class.getName())
                .jvmArgs("-Xmx256m", "-XX:+UseSerialGC", "@" + argFile.toAbsolutePath())
                .args(bootstrap, INPUT, OUTPUT, "eos-copier", "eos-copier-tx")
                .logFile(logFile).build();
    }

    static Map<Integer, List<String>> produceInput(String bootstrap, int records) throws Exception {
        Map<Integer, List<String>> input = new TreeMap<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers", bootstrap,
                "acks", "all", "linger.ms", 5), new StringSerializer(), new StringSerializer())) {
            for (int i = 0; i < records; i++) {
                int partition = i % PARTITIONS;
                String value = "r" + i;
                producer.send(new ProducerRecord<>(INPUT, partition, null, value));
                input.computeIfAbsent(partition, p -> new ArrayList<>()).add(value);
            }
            producer.flush();
        }
        return input;
    }

    static Map<Integer, List<String>> readCommitted(String bootstrap) {
        return readCommitted(bootstrap, OUTPUT);
    }

    /** Every committed value of {@code topic} ({@value #PARTITIONS} partitions), per partition, in order. */
    static Map<Integer, List<String>> readCommitted(String bootstrap, String topic) {
        Map<Integer, List<String>> out = new TreeMap<>();
        List<TopicPartition> tps = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            tps.add(new TopicPartition(topic, p));
            out.put(p, new ArrayList<>());
        }
        Map<String, Object> config = new HashMap<>(Map.of("bootstrap.servers", bootstrap, "isolation.level",
                "read_committed", "enable.auto.commit", false, "max.poll.records", 5000));
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(tps);
            consumer.seekToBeginning(tps);
            Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    out.get(r.partition()).add(r.value());
                }
                return tps.stream().allMatch(tp -> consumer.position(tp) >= ends.get(tp));
            });
        }
        return out;
    }

    /** Waits until the copier has committed {@code records} records in all (counting re-copies after a kill). */
    private static void awaitProgress(ChildBroker broker, JvmProcess copier, Path copierLog, long records) {
        await().atMost(PROGRESS_TIMEOUT).pollInterval(Duration.ofMillis(20)).until(() -> {
            broker.requireAlive();
            if (!copier.isAlive()) {
                copier.start();
            }
            return committedRecords(copierLog) >= records;
        });
    }

    static long committedRecords(Path copierLog) throws IOException {
        if (!Files.exists(copierLog)) {
            return 0;
        }
        try (var lines = Files.lines(copierLog)) {
            return lines.filter(line -> line.startsWith("COMMITTED ")).mapToLong(line -> Long.parseLong(line.substring(10).trim()))
                    .sum();
        }
    }

    static long countLines(Path file, String text) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }
}
