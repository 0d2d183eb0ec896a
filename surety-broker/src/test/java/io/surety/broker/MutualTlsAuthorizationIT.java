package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authorization of clients known by their certificates, as Kafka's end-to-end tests over SSL do:
 * an SSL listener requiring client certificates, principals mapped from the certificate names by
 * {@code ssl.principal.mapping.rules} (so {@code CN=app-writer} is {@code User:app-writer}), an
 * operator certificate as the super user. The writer may write the topics of a prefixed ACL and
 * nothing else; a reader with a group ACL and a wildcard-topic READ consumes as a group member; the
 * reader may not write.
 */
class MutualTlsAuthorizationIT {

    private static final String PASSWORD = "mtls-test-secret";
    private static final String PREFIX = "orders-";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.trust(keys.resolve("server.p12"), "server", keys.resolve("client-trust.p12"), PASSWORD);
        for (String name : List.of("operator", "app-writer", "app-reader")) {
            Keytool.selfSigned(keys.resolve(name + ".p12"), name, name, PASSWORD);
            Keytool.trust(keys.resolve(name + ".p12"), name, keys.resolve("server-trust.p12"), PASSWORD);
        }
    }

    private static SuretyBroker broker(Path data) throws Exception {
        return SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SSL://127.0.0.1:0",
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.truststore.location", keys.resolve("server-trust.p12").toString(),
                "ssl.truststore.password", PASSWORD,
                "ssl.client.auth", "required",
                "ssl.principal.mapping.rules", "RULE:^CN=([^,]*)$/$1/,DEFAULT",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:operator")).start();
    }

    private static Map<String, Object> client(SuretyBroker broker, String certificate) {
        Map<String, Object> config = Keytool.clientTls(keys.resolve("client-trust.p12"),
                keys.resolve(certificate + ".p12"), PASSWORD);
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + broker.port("SSL"));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 10_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return config;
    }

    private static void write(SuretyBroker broker, String certificate, String topic) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client(broker, certificate),
                new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", certificate)).get(20, TimeUnit.SECONDS);
        }
    }

    private static AclBinding acl(ResourceType type, String name, PatternType pattern, String user, AclOperation operation) {
        return new AclBinding(new ResourcePattern(type, name, pattern),
                new AccessControlEntry("User:" + user, "*", operation, AclPermissionType.ALLOW));
    }

    @Test
    void shouldAuthorizeClientsByTheirCertificateNames(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = broker(data)) {
            try (Admin operator = Admin.create(client(broker, "operator"))) {
                operator.createTopics(List.of(new NewTopic(PREFIX + "eu", 1, (short) 1),
                        new NewTopic("payments", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                operator.createAcls(List.of(
                        acl(ResourceType.TOPIC, PREFIX, PatternType.PREFIXED, "app-writer", AclOperation.WRITE),
                        acl(ResourceType.TOPIC, "*", PatternType.LITERAL, "app-reader", AclOperation.READ),
                        acl(ResourceType.GROUP, "readers", PatternType.LITERAL, "app-reader", AclOperation.READ)))
                        .all().get(30, TimeUnit.SECONDS);
            }

            write(broker, "app-writer", PREFIX + "eu");
            assertThatThrownBy(() -> write(broker, "app-writer", "payments")).as("outside the prefix")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> write(broker, "app-reader", PREFIX + "eu")).as("a reader writing")
                    .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(AuthorizationException.class);

            Map<String, Object> reader = new HashMap<>(client(broker, "app-reader"));
            reader.put(ConsumerConfig.GROUP_ID_CONFIG, "readers");
            reader.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(reader, new StringDeserializer(),
                    new StringDeserializer())) {
                consumer.subscribe(List.of(PREFIX + "eu"));
                long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (values.isEmpty() && System.nanoTime() < deadlineNs) {
                    for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                        values.add(record.value());
                    }
                }
                consumer.commitSync();
            }
            assertThat(values).containsExactly("app-writer");
        }
    }
}
