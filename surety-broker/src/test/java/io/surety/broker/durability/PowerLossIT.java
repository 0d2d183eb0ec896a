package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;

/**
 * Kills the broker with {@code kill -9} while an idempotent acks=all producer writes, then
 * simulates a power loss ({@link PowerLoss}: every file cut back to its last fsynced length, as the
 * broker's fsync ledger recorded it), restarts and reads everything back.
 *
 * <p>Scenario: a burst of records goes to a quiet partition (2), which then receives nothing more;
 * the other two partitions stream until the kill, with sends in flight, crossing several 256 KiB
 * segments. Under {@code flush.policy=fsync} (the default) no acknowledged record may be missing.
 * Under {@code flush.policy=interval} with the default {@code log.flush.interval.ms} (never), data
 * is synced only when a segment rolls, so whatever was acknowledged after the last roll is gone:
 * the quiet partition never rolls, so every one of its acknowledged records is lost, every run.
 * That is the window the interval policy trades for speed.
 *
 * <p>Set {@code -Dsurety.seed=<n>} to repeat a run's kill moment.
 */
class PowerLossIT {

    private static final String TOPIC = "power-loss";
    private static final int PARTITIONS = 3;
    private static final int QUIET_PARTITION = 2;
    private static final int QUIET_RECORDS = 500;
    private static final int RECORDS_PER_SECOND = 4_000;
    private static final int VALUE_BYTES = 100;

    private record Outcome(DeliveryReport report, PowerLoss.Result powerLoss) {
    }

    @Test
    void shouldLoseNoAcknowledgedRecordWhenPowerFailsUnderFsyncPolicy() throws Exception {
        Outcome outcome = powerLossAfterKill("fsync", Map.of());
        DeliveryReport report = outcome.report();
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.reordered()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    @Test
    void shouldLoseAcknowledgedRecordsWhenPowerFailsUnderIntervalPolicy() throws Exception {
        Outcome outcome = powerLossAfterKill("interval", Map.of("flush.policy", "interval"));
        DeliveryReport report = outcome.report();
        assertThat(outcome.powerLoss().bytesDropped()).as("bytes the power loss removed").isPositive();
        assertThat(report.lost()).as(report.summary()).isPositive();
        assertThat(report.lostIn(QUIET_PARTITION)).as("acknowledged records of the quiet partition lost")
                .isEqualTo(QUIET_RECORDS);
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    private Outcome powerLossAfterKill(String name, Map<String, String> overrides) throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        Random random = new Random(seed);
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("PowerLossIT-" + name);
        Path dataDir = run.dataDir("data");
        Map<String, String> settings = new HashMap<>(Map.of(
                "log.segment.bytes", String.valueOf(256 * 1024),
                "num.partitions", String.valueOf(PARTITIONS),
                "surety.fsync.ledger.enable", "true"));
        settings.putAll(overrides);
        SendHistory history = new SendHistory();
        long killAfterAcks = QUIET_RECORDS + 10_000 + random.nextInt(10_000);
        Outcome outcome;
        try (ChildBroker broker = ChildBroker.start(dataDir, run.logFile("broker"), settings)) {
            KafkaProducer<String, String> producer = TestProducers.acksAll(broker.bootstrapServers(), 120_000,
                    Map.of());
            try {
                SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 10_000, VALUE_BYTES);
                writer.sendBurst(QUIET_PARTITION, QUIET_RECORDS);
                assertThat(history.ackCount()).isEqualTo(QUIET_RECORDS);
                writer.startStream(List.of(0, 1), RECORDS_PER_SECOND, 1_000_000);
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(5)).until(() -> {
                    broker.requireAlive();
                    return history.ackCount() >= killAfterAcks;
                });
                Thread.sleep(random.nextInt(30)); // the kill moment: a random phase of the group-commit cycle
                broker.kill9();
                producer.close(Duration.ZERO);
                writer.stopStream();
            } finally {
                producer.close(Duration.ZERO);
            }
            assertThat(history.pendingCount()).as("sends left pending after the producer closed").isZero();
            PowerLoss.Result powerLoss = PowerLoss.apply(dataDir);
            broker.restart();
            DeliveryReport report = DeliveryReport.check(history,
                    TopicReader.readAll(broker.bootstrapServers(), TOPIC, PARTITIONS, Duration.ofSeconds(60)));
            System.out.printf("PowerLossIT[flush.policy=%s] seed=%d: killed at >= %d acks; power loss cut %d of %d "
                    + "ledgered files and emptied %d unsynced segments (%d bytes); %s; duration=%ds%n", name, seed,
                    killAfterAcks, powerLoss.filesCut(), powerLoss.ledgerEntries(), powerLoss.segmentsEmptied(),
                    powerLoss.bytesDropped(), report.summary(), Duration.ofNanos(System.nanoTime() - startNs).toSeconds());
            outcome = new Outcome(report, powerLoss);
        }
        run.passed();
        return outcome;
    }
}
