package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Kills the broker with {@code kill -9} at random moments while an idempotent acks=all producer
 * writes, restarting it on the same data and port each time, then checks that every acknowledged
 * record is in the log exactly once, in send order, at the offset it was acknowledged with.
 *
 * <p>{@code kill -9} leaves the page cache intact, so this exercises recovery (torn tails, producer
 * state rebuilt from the log, segments crossed) rather than the flush policy; see
 * {@link PowerLossIT} for that. Set {@code -Dsurety.seed=<n>} to repeat a run's kill moments.
 */
class CrashRecoveryIT {

    private static final String TOPIC = "crash-recovery";
    private static final int PARTITIONS = 3;
    private static final int KILLS = 12;
    private static final int RECORDS_PER_SECOND = 4_000;
    private static final long MAX_RECORDS = 1_000_000;
    private static final int VALUE_BYTES = 100;
    private static final Duration PROGRESS_TIMEOUT = Duration.ofSeconds(90);

    @Test
    void shouldKeepEveryAcknowledgedRecordExactlyOnceWhenKilledRepeatedly() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        System.out.printf("CrashRecoveryIT seed=%d (repeat with -Dsurety.seed=%d)%n", seed, seed);
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("CrashRecoveryIT");
        Path dataDir = run.dataDir("data");
        SendHistory history = new SendHistory();
        try (ChildBroker broker = ChildBroker.start(dataDir, run.logFile("broker"), Map.of(
                "log.segment.bytes", String.valueOf(256 * 1024),
                "num.partitions", String.valueOf(PARTITIONS)))) {
            List<Long> acksPerBrokerLife = new ArrayList<>();
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(broker.bootstrapServers(), 120_000,
                    Map.of())) {
                SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 10_000, VALUE_BYTES);
                writer.startStream(List.of(0, 1, 2), RECORDS_PER_SECOND, MAX_RECORDS);
                long acksAtStart = 0;
                for (int kill = 1; kill <= KILLS; kill++) {
                    long target = acksAtStart + 200 + random.nextInt(6_000);
                    awaitAcks(broker, history, target);
                    Thread.sleep(random.nextInt(30)); // the kill moment: a random phase of the group-commit cycle
                    broker.kill9();
                    long acksAtKill = history.ackCount();
                    broker.restart();
                    acksPerBrokerLife.add(acksAtKill - acksAtStart);
                    System.out.printf("kill %d: %d acks before it, %d acks since the previous restart%n", kill,
                            acksAtKill, acksAtKill - acksAtStart);
                    acksAtStart = history.ackCount();
                }
                awaitAcks(broker, history, acksAtStart + 2_000);
                acksPerBrokerLife.add(history.ackCount() - acksAtStart);
                writer.stopStream();
                producer.flush();
            }
            assertThat(history.pendingCount()).as("sends still pending after flush and close").isZero();
            assertThat(history.failureCount()).as("failed sends: %s", history.someFailures(5)).isZero();
            assertThat(acksPerBrokerLife).as("acknowledgements in each broker life, the last after the last restart")
                    .hasSize(KILLS + 1).allMatch(acks -> acks > 0);

            DeliveryReport report = DeliveryReport.check(history,
                    TopicReader.readAll(broker.bootstrapServers(), TOPIC, PARTITIONS, Duration.ofSeconds(60)));
            System.out.printf("CrashRecoveryIT: kills=%d %s torn-tail-recoveries=%d duration=%ds%n", broker.kills(),
                    report.summary(), countLines(broker.logFile(), "torn or corrupt data"),
                    Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
            assertThat(broker.kills()).isEqualTo(KILLS);
            assertThat(report.lost()).as(report.summary()).isZero();
            assertThat(report.misplaced()).as(report.summary()).isZero();
            assertThat(report.duplicates()).as(report.summary()).isZero();
            assertThat(report.reordered()).as(report.summary()).isZero();
            assertThat(report.phantoms()).as(report.summary()).isZero();
            assertThat(report.stored()).isEqualTo(report.acked() + report.unacknowledgedStored());
        }
        run.passed();
    }

    private static void awaitAcks(ChildBroker broker, SendHistory history, long target) {
        await().atMost(PROGRESS_TIMEOUT).pollInterval(Duration.ofMillis(5)).until(() -> {
            broker.requireAlive();
            return history.ackCount() >= target;
        });
    }

    private static long countLines(Path file, String text) throws IOException {
        try (var lines = Files.lines(file)) {
            return lines.filter(line -> line.contains(text)).count();
        }
    }
}
