package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.tools.AclCommand;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kafka's {@code kafka-acls} tool ({@link AclCommand}) against the broker, as an operator uses it:
 * the {@code --producer} and {@code --consumer} conveniences on a prefixed pattern, {@code --list}
 * and {@code --remove}, each checked with the official producer and consumer of a principal the
 * ACLs name, and of one they do not.
 */
class AclToolIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_admin=\"admin-secret\" user_alice=\"alice-secret\" user_bob=\"bob-secret\";";

    @BeforeEach
    void trapExit() {
        Exit.setExitProcedure((status, message) -> {
            throw new IllegalStateException("tool exited with " + status + ": " + message);
        });
    }

    @AfterEach
    void releaseExit() {
        Exit.resetExitProcedure();
    }

    private static SuretyBroker start(Path data, boolean authorizer) throws IOException {
        Map<String, String> configs = new HashMap<>(Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", JAAS,
                "super.users", "User:admin"));
        if (authorizer) {
            configs.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
        }
        return SuretyBroker.builder().dataDir(data).configs(configs).start();
    }

    @Test
    void shouldKeepAclsAcrossRestartsAndWhileNoAuthorizerIsConfigured(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = start(data, true);
                Admin admin = Admin.create(SaslListenerIT.client(broker, "SASL_PLAINTEXT", "admin", "admin-secret"))) {
            admin.createTopics(List.of(new NewTopic("orders-eu", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            tool(adminOptions(broker, data), "--add", "--allow-principal", "User:alice", "--producer", "--topic",
                    "orders-eu");
        }
        try (SuretyBroker broker = start(data, false)) {
            // Without an authorizer everyone may produce, and the ACL APIs answer SECURITY_DISABLED.
            produce(broker, "bob", "open");
            assertThatThrownBy(() -> tool(adminOptions(broker, data), "--list"))
                    .hasMessageContaining("tool exited with 1").hasMessageContaining("No Authorizer is configured");
        }
        try (SuretyBroker broker = start(data, true)) {
            produce(broker, "alice", "kept");
            assertThatThrownBy(() -> produce(broker, "bob", "refused")).hasCauseInstanceOf(AuthorizationException.class);
            assertThat(tool(adminOptions(broker, data), "--list", "--topic", "orders-eu"))
                    .contains("principal=User:alice", "operation=WRITE");
        }
    }

    @Test
    void shouldGrantListAndRevokeProduceAndConsumeRightsWithKafkaAcls(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = start(data, true);
                Admin admin = Admin.create(SaslListenerIT.client(broker, "SASL_PLAINTEXT", "admin", "admin-secret"))) {
            admin.createTopics(List.of(new NewTopic("orders-eu", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            String[] asAdmin = adminOptions(broker, data);

            assertThatThrownBy(() -> produce(broker, "alice", "refused"))
                    .hasCauseInstanceOf(AuthorizationException.class);

            tool(asAdmin, "--add", "--allow-principal", "User:alice", "--producer", "--topic", "orders-",
                    "--resource-pattern-type", "prefixed");
            tool(asAdmin, "--add", "--allow-principal", "User:alice", "--consumer", "--topic", "orders-",
                    "--resource-pattern-type", "prefixed", "--group", "readers");
            produce(broker, "alice", "granted");

            assertThat(consume(broker, "alice", "readers")).containsExactly("granted");
            assertThatThrownBy(() -> consume(broker, "bob", "readers")).isInstanceOf(AuthorizationException.class);
            assertThatThrownBy(() -> produce(broker, "bob", "refused")).hasCauseInstanceOf(AuthorizationException.class);

            String listed = tool(asAdmin, "--list", "--topic", "orders-", "--resource-pattern-type", "prefixed");
            assertThat(listed).contains("name=orders-", "patternType=PREFIXED", "principal=User:alice",
                    "operation=WRITE", "operation=READ", "operation=DESCRIBE", "operation=CREATE");

            tool(asAdmin, "--remove", "--force", "--allow-principal", "User:alice", "--producer", "--topic", "orders-",
                    "--resource-pattern-type", "prefixed");
            String after = tool(asAdmin, "--list", "--topic", "orders-", "--resource-pattern-type", "prefixed");
            assertThat(after).doesNotContain("operation=WRITE").contains("operation=READ");
            assertThatThrownBy(() -> produce(broker, "alice", "revoked")).hasCauseInstanceOf(AuthorizationException.class);
        }
    }

    /** The options that point the tool at the broker as super user {@code admin}. */
    private static String[] adminOptions(SuretyBroker broker, Path dir) throws IOException {
        Path config = dir.resolve("admin.properties");
        Files.writeString(config, String.join("\n",
                "security.protocol=SASL_PLAINTEXT",
                "sasl.mechanism=PLAIN",
                "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"admin\" password=\"admin-secret\";"));
        return new String[] {"--bootstrap-server", "localhost:" + broker.port("SASL_PLAINTEXT"),
            "--command-config", config.toString()};
    }

    private static String tool(String[] connection, String... args) {
        List<String> all = new ArrayList<>(List.of(connection));
        all.addAll(List.of(args));
        PrintStream original = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            AclCommand.main(all.toArray(String[]::new));
        } catch (IllegalStateException exited) {
            throw new IllegalStateException(exited.getMessage() + ", printing: " + captured.toString(StandardCharsets.UTF_8),
                    exited);
        } finally {
            System.setOut(original);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        original.println(out);
        return out;
    }

    private static void produce(SuretyBroker broker, String user, String value) throws Exception {
        Map<String, Object> config = new HashMap<>(SaslListenerIT.client(broker, "SASL_PLAINTEXT", user, user + "-secret"));
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 15_000);
        config.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("orders-eu", value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static List<String> consume(SuretyBroker broker, String user, String group) {
        Map<String, Object> config = new HashMap<>(SaslListenerIT.client(broker, "SASL_PLAINTEXT", user, user + "-secret"));
        config.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(new TopicPartition("orders-eu", 0)));
            List<String> values = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.isEmpty() && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(500))) {
                    values.add(record.value());
                }
            }
            consumer.commitSync();
            return values;
        }
    }
}
