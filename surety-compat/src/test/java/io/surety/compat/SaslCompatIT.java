package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * SASL/PLAIN on a SASL_PLAINTEXT listener with this module's kafka-clients (3.9 or 4.x), the users
 * in the listener's JAAS setting as Kafka writes it: records go through with good credentials, a
 * wrong password or an unknown user is a {@link SaslAuthenticationException} in Admin, the producer
 * and the consumer (and a good client works afterwards), and under
 * {@code connections.max.reauth.ms=2000} a producer re-authenticates on its connections instead of
 * reconnecting (the client's own KIP-368 metrics say so).
 */
class SaslCompatIT {

    @RegisterExtension
    static final ChildBrokerExtension BROKER = new ChildBrokerExtension()
            .listener("SASL_PLAINTEXT")
            .config("sasl.enabled.mechanisms", "PLAIN")
            .config("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                    "org.apache.kafka.common.security.plain.PlainLoginModule required "
                            + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";")
            .config("connections.max.reauth.ms", "2000");

    private static final long TIMEOUT_S = 30;

    @Test
    void shouldProduceAndConsumeWhenTheCredentialsAreRight() throws Exception {
        roundTrip("sasl-compat", "alice", "alice-secret");
    }

    @Test
    void shouldRefuseAWrongPasswordOrUnknownUserInEveryClientAndServeAGoodOneAfter() throws Exception {
        try (Admin admin = Admin.create(client("alice", "wrong"))) {
            assertThatThrownBy(() -> admin.describeCluster().nodes().get(TIMEOUT_S, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        Map<String, Object> producerConfig = client("mallory", "alice-secret");
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("refused", "v")).get(TIMEOUT_S, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(client("bob", "alice-secret"),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("refused", 0)));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(TIMEOUT_S)))
                    .isInstanceOf(SaslAuthenticationException.class);
        }
        roundTrip("sasl-compat-after", "bob", "bob-secret");
    }

    @Test
    void shouldReauthenticateInsteadOfReconnectingWhenSessionsLastTwoSeconds() throws Exception {
        createTopic("sasl-compat-reauth", "alice", "alice-secret");
        Map<String, Object> producerConfig = client("alice", "alice-secret");
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("sasl-compat-reauth", "first")).get(TIMEOUT_S, TimeUnit.SECONDS);
            double connectionsBefore = metric(producer.metrics(), "connection-creation-total");
            long endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
            while (System.nanoTime() < endNs) {
                producer.send(new ProducerRecord<>("sasl-compat-reauth", "v")).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
            assertThat(metric(producer.metrics(), "successful-reauthentication-total"))
                    .as("re-authentications in 6 s of 2 s sessions").isGreaterThanOrEqualTo(2);
            assertThat(metric(producer.metrics(), "failed-reauthentication-total")).isZero();
            assertThat(metric(producer.metrics(), "connection-creation-total")).as("no reconnect")
                    .isEqualTo(connectionsBefore);
        }
    }

    private static double metric(Map<MetricName, ? extends Metric> metrics, String name) {
        return metrics.entrySet().stream()
                .filter(entry -> entry.getKey().name().equals(name) && entry.getKey().group().equals("producer-metrics"))
                .mapToDouble(entry -> ((Number) entry.getValue().metricValue()).doubleValue()).sum();
    }

    private static Map<String, Object> client(String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, BROKER.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_S));
        return config;
    }

    private static void createTopic(String topic, String user, String password) throws Exception {
        try (Admin admin = Admin.create(client(user, password))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(TIMEOUT_S, TimeUnit.SECONDS);
        }
    }

    private static void roundTrip(String topic, String user, String password) throws Exception {
        createTopic(topic, user, password);
        Map<String, Object> producerConfig = client(user, password);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, 0, "key-" + i, "value-" + i)).get(TIMEOUT_S, TimeUnit.SECONDS);
            }
        }
        List<String> values = new ArrayList<>();
        TopicPartition partition = new TopicPartition(topic, 0);
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(client(user, password),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 10 && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        assertThat(values).hasSize(10).startsWith("value-0").endsWith("value-9");
    }
}
