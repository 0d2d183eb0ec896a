package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.metrics.PrometheusText;
import java.io.IOException;
import java.nio.file.Path;
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
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SASL listeners with the official clients: PLAIN users in the listener's JAAS setting as Kafka
 * writes it, over SASL_PLAINTEXT and over SASL_SSL (keystores from the JDK's keytool, as the SSL
 * listener's test makes them). Good credentials produce, consume and administer; a wrong password
 * surfaces as {@link SaslAuthenticationException} in the producer, the consumer and Admin, and a
 * good client still works afterwards. SCRAM-SHA-256 and SCRAM-SHA-512 users (added to the running
 * broker) do the same over SASL_SSL.
 */
class SaslListenerIT {

    static final String PASSWORD = "tls-test-secret";
    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        makeKeystores(keys);
    }

    /** A server keystore (server.p12) and the clients' truststore (client-trust.p12) in {@code dir}. */
    static void makeKeystores(Path dir) throws Exception {
        Keytool.selfSigned(dir.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.trust(dir.resolve("server.p12"), "server", dir.resolve("client-trust.p12"), PASSWORD);
    }

    @Test
    void shouldProduceConsumeAndAdministerWhenPlainCredentialsAreRightOverSaslPlaintext(@TempDir Path data)
            throws Exception {
        try (SuretyBroker broker = saslBroker(data, "SASL_PLAINTEXT")) {
            roundTrip(broker, "SASL_PLAINTEXT", "sasl-plain", "alice", "alice-secret");
        }
    }

    @Test
    void shouldRefuseAWrongPasswordInEveryClientAndServeAGoodOneAfterwards(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = saslBroker(data, "SASL_PLAINTEXT")) {
            Map<String, Object> wrong = client(broker, "SASL_PLAINTEXT", "alice", "not-her-password");
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            Map<String, Object> producerConfig = new HashMap<>(wrong);
            producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                    new StringSerializer())) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>("refused", "v")).get(30, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            Map<String, Object> unknownUser = client(broker, "SASL_PLAINTEXT", "mallory", "alice-secret");
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(unknownUser, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.assign(List.of(new TopicPartition("refused", 0)));
                assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(30)))
                        .isInstanceOf(SaslAuthenticationException.class);
            }
            roundTrip(broker, "SASL_PLAINTEXT", "after-failures", "bob", "bob-secret");
            PrometheusText scrape = PrometheusText.scrape(broker.metrics().registry());
            assertThat(scrape.sum("surety_authentications_total", "listener", "SASL_PLAINTEXT", "mechanism", "PLAIN",
                    "outcome", "failed")).as("admin, producer, consumer refused").isGreaterThanOrEqualTo(3);
            assertThat(scrape.sum("surety_authentications_total", "outcome", "succeeded")).isPositive();
        }
    }

    @Test
    void shouldProduceConsumeAndRefuseAWrongPasswordOverSaslSsl(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = saslBroker(data, "SASL_SSL")) {
            try (Admin admin = Admin.create(client(broker, "SASL_SSL", "bob", "wrong"))) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            roundTrip(broker, "SASL_SSL", "sasl-ssl", "alice", "alice-secret");
        }
    }

    @Test
    void shouldProduceConsumeAndRefuseAWrongPasswordWithScramOverSaslSsl(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = saslBroker(data, "SASL_SSL", "PLAIN,SCRAM-SHA-256,SCRAM-SHA-512")) {
            broker.scramUser("SCRAM-SHA-512", "carol", "carol-secret");
            broker.scramUser("SCRAM-SHA-256", "dave", "dave-secret");
            Map<String, Object> wrong = scram(client(broker, "SASL_SSL", "carol", "wrong"), "SCRAM-SHA-512", "carol",
                    "wrong");
            try (Admin admin = Admin.create(wrong)) {
                assertThatThrownBy(() -> admin.describeCluster().nodes().get(30, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
            }
            roundTrip(broker, scram(client(broker, "SASL_SSL", "carol", ""), "SCRAM-SHA-512", "carol", "carol-secret"),
                    "scram-512");
            roundTrip(broker, scram(client(broker, "SASL_SSL", "dave", ""), "SCRAM-SHA-256", "dave", "dave-secret"),
                    "scram-256");
        }
    }

    private static Map<String, Object> scram(Map<String, Object> config, String mechanism, String user,
            String password) {
        config.put(SaslConfigs.SASL_MECHANISM, mechanism);
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        return config;
    }

    private static SuretyBroker saslBroker(Path data, String protocol) throws IOException {
        return saslBroker(data, protocol, "PLAIN");
    }

    private static SuretyBroker saslBroker(Path data, String protocol, String mechanisms) throws IOException {
        String lower = protocol.toLowerCase(java.util.Locale.ROOT);
        Map<String, String> configs = new HashMap<>(Map.of(
                "listeners", protocol + "://127.0.0.1:0",
                "sasl.enabled.mechanisms", mechanisms,
                "listener.name." + lower + ".plain.sasl.jaas.config", JAAS));
        if (protocol.equals("SASL_SSL")) {
            configs.putAll(Map.of(
                    "ssl.keystore.location", keys.resolve("server.p12").toString(),
                    "ssl.keystore.password", PASSWORD,
                    "ssl.keystore.type", "PKCS12"));
        }
        return SuretyBroker.builder().dataDir(data).configs(configs).start();
    }

    static Map<String, Object> client(SuretyBroker broker, String protocol, String user, String password) {
        return client(broker, protocol, user, password, keys);
    }

    /** A PLAIN client's settings; over SASL_SSL it trusts the certificate of {@link #makeKeystores(Path)} in {@code keyDir}. */
    static Map<String, Object> client(SuretyBroker broker, String protocol, String user, String password,
            Path keyDir) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + broker.port(protocol));
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, protocol);
        config.put(SaslConfigs.SASL_MECHANISM, "PLAIN");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        if (protocol.equals("SASL_SSL")) {
            config.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, keyDir.resolve("client-trust.p12").toString());
            config.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, PASSWORD);
            config.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        }
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        return config;
    }

    /** Creates {@code topic} with Admin, produces ten records and reads them back with a group consumer. */
    private static void roundTrip(SuretyBroker broker, String protocol, String topic, String user, String password)
            throws Exception {
        roundTrip(broker, client(broker, protocol, user, password), topic);
    }

    private static void roundTrip(SuretyBroker broker, Map<String, Object> config, String topic) throws Exception {
        try (Admin admin = Admin.create(config)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
        Map<String, Object> producerConfig = new HashMap<>(config);
        producerConfig.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig, new StringSerializer(),
                new StringSerializer())) {
            for (int i = 0; i < 10; i++) {
                producer.send(new ProducerRecord<>(topic, "key-" + i, "value-" + i)).get(30, TimeUnit.SECONDS);
            }
        }
        Map<String, Object> consumerConfig = new HashMap<>(config);
        consumerConfig.put(ConsumerConfig.GROUP_ID_CONFIG, topic + "-group");
        consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < 10 && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
        }
        assertThat(values).hasSize(10).startsWith("value-0").endsWith("value-9");
    }
}
