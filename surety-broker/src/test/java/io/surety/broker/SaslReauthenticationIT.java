package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.metrics.PrometheusText;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-368 with the official producer over SASL_SSL: under {@code connections.max.reauth.ms=2000} a
 * producer that keeps sending for ten seconds re-authenticates on its open connections and never
 * reconnects, and no session expires.
 */
class SaslReauthenticationIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\";";

    @Test
    void shouldReauthenticateWithoutReconnectingWhenSessionsLastTwoSeconds(@TempDir Path data, @TempDir Path keys)
            throws Exception {
        SaslListenerIT.makeKeystores(keys);
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SASL_SSL://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_ssl.plain.sasl.jaas.config", JAAS,
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", SaslListenerIT.PASSWORD,
                "ssl.keystore.type", "PKCS12",
                "connections.max.reauth.ms", "2000")).start()) {
            Map<String, Object> client = SaslListenerIT.client(broker, "SASL_SSL", "alice", "alice-secret", keys);
            try (Admin admin = Admin.create(client)) {
                admin.createTopics(List.of(new NewTopic("reauth", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Map<String, Object> producerConfig = new HashMap<>(client);
            producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                    new StringSerializer())) {
                producer.send(new ProducerRecord<>("reauth", "first")).get(30, TimeUnit.SECONDS);
                double openedBefore = scrape(broker).value("surety_connections_opened_total").orElseThrow();
                double reauthenticatedBefore = scrape(broker).sum("surety_reauthentications_total");
                long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
                int sent = 0;
                while (System.nanoTime() < endNs) {
                    producer.send(new ProducerRecord<>("reauth", "record-" + sent++)).get(30, TimeUnit.SECONDS);
                }
                PrometheusText after = scrape(broker);
                assertThat(after.value("surety_connections_opened_total")).as("no reconnect").hasValue(openedBefore);
                assertThat(after.sum("surety_reauthentications_total", "outcome", "succeeded") - reauthenticatedBefore)
                        .as("re-authentications in 10 s of 2 s sessions").isGreaterThanOrEqualTo(4);
                assertThat(after.sum("surety_reauthentications_total", "outcome", "failed")).isZero();
                assertThat(after.sum("surety_connections_expired_total")).isZero();
                assertThat(sent).isPositive();
            }
        }
    }

    private static PrometheusText scrape(SuretyBroker broker) {
        return PrometheusText.scrape(broker.metrics().registry());
    }
}
