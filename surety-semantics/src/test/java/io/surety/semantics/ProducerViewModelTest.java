package io.surety.semantics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * Keeps the explicit model of the producer's start-up rules ({@link ProducerView}) honest: for
 * every combination of the settings involved, the model must agree with the real
 * {@link ProducerConfig} of the kafka-clients version on the class path about whether the producer
 * starts and whether it is idempotent.
 */
class ProducerViewModelTest {

    private static final List<Optional<String>> ACKS = values("0", "1", "all", "-1");
    private static final List<Optional<String>> RETRIES = values("0", "3");
    private static final List<Optional<String>> IDEMPOTENCE = values("true", "false");
    private static final List<Optional<String>> IN_FLIGHT = values("1", "5", "6");
    private static final List<Optional<String>> TRANSACTIONAL_ID = values("tx");

    @Test
    void shouldAgreeWithTheRealProducerConfigOnEveryCombination() {
        int checked = 0;
        List<String> disagreements = new ArrayList<>();
        for (Optional<String> acks : ACKS) {
            for (Optional<String> retries : RETRIES) {
                for (Optional<String> idempotence : IDEMPOTENCE) {
                    for (Optional<String> inFlight : IN_FLIGHT) {
                        for (Optional<String> transactionalId : TRANSACTIONAL_ID) {
                            Map<String, Object> settings = new HashMap<>();
                            settings.put("bootstrap.servers", "localhost:9092");
                            acks.ifPresent(v -> settings.put("acks", v));
                            retries.ifPresent(v -> settings.put("retries", v));
                            idempotence.ifPresent(v -> settings.put("enable.idempotence", v));
                            inFlight.ifPresent(v -> settings.put("max.in.flight.requests.per.connection", v));
                            transactionalId.ifPresent(v -> settings.put("transactional.id", v));
                            compare(settings).ifPresent(disagreements::add);
                            checked++;
                        }
                    }
                }
            }
        }
        assertThat(checked).isEqualTo(5 * 3 * 3 * 4 * 2);
        assertThat(disagreements).as("model vs kafka-clients " + ClientVersion.inUse().text()).isEmpty();
    }

    @Test
    void shouldAgreeWithTheRealProducerAboutDeliveryTimeout() {
        Map<String, Object> tooShort = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092",
                "delivery.timeout.ms", "30000", "linger.ms", "100", "request.timeout.ms", "30000"));
        assertThat(ProducerView.of(tooShort).startupFindings()).anySatisfy(f ->
                assertThat(f.severity()).isEqualTo(Severity.REFUSED));
        assertThatThrownBy(() -> new KafkaProducer<>(tooShort, new ByteArraySerializer(), new ByteArraySerializer()).close())
                .hasRootCauseInstanceOf(ConfigException.class).rootCause().hasMessageContaining("delivery.timeout.ms");

        Map<String, Object> defaultRaised = new HashMap<>(Map.of("bootstrap.servers", "localhost:9092",
                "request.timeout.ms", "200000", "max.block.ms", "1"));
        assertThat(ProducerView.of(defaultRaised).startupFindings()).allSatisfy(f ->
                assertThat(f.severity()).isEqualTo(Severity.WARNING));
        new KafkaProducer<>(defaultRaised, new ByteArraySerializer(), new ByteArraySerializer()).close(Duration.ZERO);
    }

    @Test
    void shouldReadTheVersionOfTheClientJar() {
        assertThat(ClientVersion.inUse().major()).isBetween(3, 99);
        assertThat(ClientVersion.parse("3.9.1").refusesInFlightAboveFiveWithDefaultIdempotence()).isFalse();
        assertThat(ClientVersion.parse("4.0.0").refusesInFlightAboveFiveWithDefaultIdempotence()).isTrue();
    }

    private static Optional<String> compare(Map<String, Object> settings) {
        ProducerView model = ProducerView.of(settings);
        boolean modelRefuses = model.startupFindings().stream().anyMatch(f -> f.severity() == Severity.REFUSED);
        Map<String, Object> real = new HashMap<>(settings);
        real.put("key.serializer", ByteArraySerializer.class);
        real.put("value.serializer", ByteArraySerializer.class);
        try {
            boolean idempotent = new ProducerConfig(real).getBoolean("enable.idempotence");
            if (modelRefuses) {
                return Optional.of(settings + ": model refuses, client starts");
            }
            if (idempotent != model.idempotence()) {
                return Optional.of(settings + ": client idempotence=" + idempotent + ", model " + model.idempotence());
            }
            return Optional.empty();
        } catch (ConfigException e) {
            return modelRefuses ? Optional.empty() : Optional.of(settings + ": client refuses (" + e.getMessage()
                    + "), model starts");
        }
    }

    private static List<Optional<String>> values(String... values) {
        List<Optional<String>> list = new ArrayList<>();
        list.add(Optional.empty());
        for (String value : values) {
            list.add(Optional.of(value));
        }
        return list;
    }
}
