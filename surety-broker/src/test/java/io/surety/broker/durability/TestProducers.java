package io.surety.broker.durability;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Producer settings shared by the durability tests. Stateless. */
final class TestProducers {

    private TestProducers() {
    }

    /**
     * An acks=all producer, idempotent unless overridden, that retries for up to {@code deliveryTimeoutMs}, with five
     * requests in flight; {@code overrides} replace or add settings.
     */
    static KafkaProducer<String, String> acksAll(String bootstrapServers, int deliveryTimeoutMs,
            Map<String, Object> overrides) {
        Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", bootstrapServers);
        config.put("acks", "all");
        config.put("enable.idempotence", true);
        config.put("retries", Integer.MAX_VALUE);
        config.put("max.in.flight.requests.per.connection", 5);
        config.put("delivery.timeout.ms", deliveryTimeoutMs);
        config.put("request.timeout.ms", Math.min(30_000, deliveryTimeoutMs));
        config.put("linger.ms", 5);
        config.put("buffer.memory", 64L * 1024 * 1024);
        config.put("reconnect.backoff.max.ms", 500);
        config.put("retry.backoff.max.ms", 500);
        config.putAll(overrides);
        return new KafkaProducer<>(config, new StringSerializer(), new StringSerializer());
    }
}
