package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.SuretyBroker;
import io.surety.broker.config.BrokerConfig;
import io.surety.harness.FaultProxy;
import io.surety.harness.FreePorts;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.protocol.ApiKeys;
import org.junit.jupiter.api.Test;

/**
 * Lost acknowledgements: a {@link FaultProxy} in front of an in-process broker (which advertises
 * the proxy, so every client connection goes through it) forwards some PRODUCE requests and
 * swallows their responses, then closes the connection. The producer cannot know the batch was
 * appended and sends it again.
 *
 * <p>With an idempotent producer the broker must recognise each retry and answer with the
 * original offsets: the log holds every record exactly once, in order. Without idempotence the
 * retries are appended again, so the log holds duplicates; that case proves the check can see
 * them.
 */
class LostResponseIT {

    private static final String TOPIC = "lost-response";
    private static final int ROUNDS = 10;
    private static final int RECORDS_PER_ROUND = 100;
    private static final int DROPPED_RESPONSES = ROUNDS / 2;

    private record Outcome(DeliveryReport report, long responsesDropped) {
    }

    @Test
    void shouldStoreEachRecordOnceInOrderWhenResponsesAreLostAndProducerIsIdempotent() throws Exception {
        Outcome outcome = produceLosingResponses("idempotent", Map.of("enable.idempotence", true));
        DeliveryReport report = outcome.report();
        assertThat(outcome.responsesDropped()).isEqualTo(DROPPED_RESPONSES);
        assertThat(report.acked()).isEqualTo(ROUNDS * RECORDS_PER_ROUND);
        assertThat(report.stored()).as(report.summary()).isEqualTo(ROUNDS * RECORDS_PER_ROUND);
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as(report.summary()).isZero();
        assertThat(report.reordered()).as(report.summary()).isZero();
        assertThat(report.misplaced()).as(report.summary()).isZero();
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    @Test
    void shouldStoreDuplicatesWhenResponsesAreLostAndProducerIsNotIdempotent() throws Exception {
        Outcome outcome = produceLosingResponses("plain-retries", Map.of(
                "enable.idempotence", false,
                "max.in.flight.requests.per.connection", 1));
        DeliveryReport report = outcome.report();
        assertThat(outcome.responsesDropped()).isEqualTo(DROPPED_RESPONSES);
        assertThat(report.acked()).isEqualTo(ROUNDS * RECORDS_PER_ROUND);
        assertThat(report.lost()).as(report.summary()).isZero();
        assertThat(report.duplicates()).as("every lost response makes at least one duplicate: " + report.summary())
                .isGreaterThanOrEqualTo(DROPPED_RESPONSES);
        assertThat(report.stored()).isEqualTo(ROUNDS * RECORDS_PER_ROUND + report.duplicates());
        assertThat(report.phantoms()).as(report.summary()).isZero();
    }

    /**
     * Sends {@link #ROUNDS} rounds of records to partition 0, swallowing one PRODUCE response in
     * every other round, waits for every acknowledgement, and reads the partition back.
     */
    private Outcome produceLosingResponses(String name, Map<String, Object> producerOverrides) throws Exception {
        long startNs = System.nanoTime();
        RunDirectory run = RunDirectory.create("LostResponseIT-" + name);
        int proxyPort = FreePorts.find();
        SendHistory history = new SendHistory();
        Outcome outcome;
        try (SuretyBroker broker = SuretyBroker.builder().port(0).dataDir(run.dataDir("data"))
                .config(BrokerConfig.ADVERTISED_LISTENERS, "PLAINTEXT://127.0.0.1:" + proxyPort).start();
                FaultProxy proxy = FaultProxy.builder("127.0.0.1", broker.port()).listenPort(proxyPort).start()) {
            Map<String, Object> producerConfig = new HashMap<>(producerOverrides);
            producerConfig.put("request.timeout.ms", 2_500);
            producerConfig.put("retry.backoff.ms", 50);
            try (KafkaProducer<String, String> producer = TestProducers.acksAll(proxy.address(), 60_000,
                    producerConfig)) {
                SequenceWriter writer = new SequenceWriter(producer, TOPIC, history, 1_000, 100);
                for (int round = 0; round < ROUNDS; round++) {
                    if (round % 2 == 1) {
                        proxy.dropResponses(ApiKeys.PRODUCE.id, 1);
                    }
                    writer.sendBurst(0, RECORDS_PER_ROUND);
                }
            }
            assertThat(history.failureCount()).as("failed sends: %s", history.someFailures(5)).isZero();
            assertThat(history.pendingCount()).isZero();
            DeliveryReport report = DeliveryReport.check(history,
                    TopicReader.readAll(proxy.address(), TOPIC, 1, Duration.ofSeconds(30)));
            System.out.printf("LostResponseIT[%s]: responses dropped=%d %s duration=%dms%n", name,
                    proxy.responsesDropped(), report.summary(),
                    Duration.ofNanos(System.nanoTime() - startNs).toMillis());
            outcome = new Outcome(report, proxy.responsesDropped());
        }
        run.passed();
        return outcome;
    }
}
