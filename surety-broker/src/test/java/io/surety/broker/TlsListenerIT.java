package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.network.NettyServer;
import io.surety.broker.metrics.PrometheusText;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An SSL listener with the official client over TLS: keystores made with the JDK's keytool
 * (PKCS12, self-signed), the broker configured with Kafka's {@code ssl.*} keys. Records far larger
 * than one TLS chunk come back intact through fetches (which under TLS are read from the segment in
 * chunks instead of sent by sendfile); with {@code ssl.client.auth=required} a client without a
 * certificate is refused in the handshake while one with a trusted certificate works; and a
 * plaintext client on the TLS port is closed, the broker serving on.
 */
class TlsListenerIT {

    private static final String PASSWORD = "tls-test-secret";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.selfSigned(keys.resolve("client.p12"), "client", "surety-test-client", PASSWORD);
        Keytool.trust(keys.resolve("server.p12"), "server", keys.resolve("client-trust.p12"), PASSWORD);
        Keytool.trust(keys.resolve("client.p12"), "client", keys.resolve("server-trust.p12"), PASSWORD);
    }

    @Test
    void shouldCarryRecordsLargerThanATlsChunkIntactBothWays(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = tlsBroker(data, "none")) {
            String topic = "tls-records";
            createTopic(broker, topic, clientTls(false));
            List<byte[]> sent = new ArrayList<>();
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(withBootstrap(broker, clientTls(false),
                    Map.of("acks", "all")), new ByteArraySerializer(), new ByteArraySerializer())) {
                for (int i = 0; i < 40; i++) {
                    // 1 KiB to 100 KiB: many records span several 32 KiB chunks of a fetch answer.
                    byte[] value = new byte[1024 + i * 2560];
                    Arrays.fill(value, (byte) ('a' + i % 26));
                    value[0] = (byte) i;
                    sent.add(value);
                    producer.send(new ProducerRecord<>(topic, 0, null, value)).get(30, TimeUnit.SECONDS);
                }
            }
            List<byte[]> read = readAll(broker, topic, clientTls(false), sent.size());
            assertThat(read).hasSameSizeAs(sent);
            for (int i = 0; i < sent.size(); i++) {
                assertThat(read.get(i)).as("record %d", i).isEqualTo(sent.get(i));
            }
        }
    }

    @Test
    void shouldRefuseAClientWithoutACertificateWhenClientAuthIsRequired(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = tlsBroker(data, "required")) {
            Map<String, Object> noCertificate = withBootstrap(broker, clientTls(false), Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000));
            try (Admin anonymous = Admin.create(noCertificate)) {
                assertThatThrownBy(() -> anonymous.describeCluster().nodes().get(15, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SslAuthenticationException.class);
            }
            createTopic(broker, "mutual", clientTls(true));
            assertThat(tlsFailures(broker, "failed")).as("the handshake without a certificate, counted").isPositive();
            assertThat(tlsFailures(broker, "not_tls")).isZero();
        }
    }

    @Test
    void shouldCloseAPlaintextClientOnTheTlsPortAndServeOn(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = tlsBroker(data, "none")) {
            Map<String, Object> plaintext = withBootstrap(broker, Map.of(), Map.of(
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000));
            try (LogCapture log = LogCapture.attach(NettyServer.class.getPackageName(), false);
                 Admin wrong = Admin.create(plaintext)) {
                assertThatThrownBy(() -> wrong.describeCluster().nodes().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class);
                assertThat(log.keptWarnings()).anyMatch(line -> line.contains("not a TLS record on TLS listener SSL"));
            }
            assertThat(tlsFailures(broker, "not_tls")).isPositive();
            createTopic(broker, "after-plaintext", clientTls(false));
        }
    }

    private static double tlsFailures(SuretyBroker broker, String reason) {
        return PrometheusText.scrape(broker.metrics().registry()).sum("surety_tls_handshake_failures_total",
                "listener", "SSL", "reason", reason);
    }

    private static SuretyBroker tlsBroker(Path data, String clientAuth) throws IOException {
        return SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SSL://127.0.0.1:0",
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.keystore.type", "PKCS12",
                "ssl.truststore.location", keys.resolve("server-trust.p12").toString(),
                "ssl.truststore.password", PASSWORD,
                "listener.name.ssl.ssl.client.auth", clientAuth)).start();
    }

    /** A client's TLS settings: it trusts the server's certificate, and with {@code certificate} shows its own. */
    private static Map<String, Object> clientTls(boolean certificate) {
        return Keytool.clientTls(keys.resolve("client-trust.p12"), certificate ? keys.resolve("client.p12") : null, PASSWORD);
    }

    private static Map<String, Object> withBootstrap(SuretyBroker broker, Map<String, Object> tls,
            Map<String, Object> more) {
        Map<String, Object> config = new HashMap<>(tls);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + broker.port("SSL"));
        config.putAll(more);
        return config;
    }

    private static void createTopic(SuretyBroker broker, String topic, Map<String, Object> tls) throws Exception {
        try (Admin admin = Admin.create(withBootstrap(broker, tls, Map.of()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        }
    }

    private static List<byte[]> readAll(SuretyBroker broker, String topic, Map<String, Object> tls, int count) {
        TopicPartition tp = new TopicPartition(topic, 0);
        List<byte[]> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(withBootstrap(broker, tls,
                Map.of("max.partition.fetch.bytes", 256 * 1024)), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (values.size() < count && System.nanoTime() < deadlineNs) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
        }
        return values;
    }
}
