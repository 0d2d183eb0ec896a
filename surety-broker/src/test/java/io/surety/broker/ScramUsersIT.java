package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import kafka.admin.ConfigCommand;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.ResourceNotFoundException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.UnacceptableCredentialException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Exit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SCRAM users managed as a Kafka operator manages them: Kafka's own {@code kafka-configs} over
 * SASL_SSL with {@code --command-config} adds a SCRAM-SHA-256 user, describes it and deletes it; the
 * new user produces, and after the deletion a new connection as that user is refused. The admin
 * client's validation answers come back as Kafka's exceptions.
 */
class ScramUsersIT {

    private static final String JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "user_alice=\"alice-secret\";";

    @TempDir
    static Path keys;

    @BeforeAll
    static void makeKeystores() throws Exception {
        SaslListenerIT.makeKeystores(keys);
    }

    @AfterEach
    void resetExit() {
        Exit.resetExitProcedure();
    }

    private static SuretyBroker broker(Path data) throws Exception {
        return SuretyBroker.builder().dataDir(data).configs(Map.of(
                "listeners", "SASL_SSL://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_ssl.plain.sasl.jaas.config", JAAS,
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", SaslListenerIT.PASSWORD,
                "ssl.keystore.type", "PKCS12")).start();
    }

    private static Map<String, Object> scramClient(SuretyBroker broker, String user, String password) {
        Map<String, Object> config = SaslListenerIT.client(broker, "SASL_SSL", user, password, keys);
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        return config;
    }

    private static void produceOne(Map<String, Object> client, String topic) throws Exception {
        Map<String, Object> config = new HashMap<>(client);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(config, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, "k", "v")).get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldAddDescribeAndDeleteAScramUserWithKafkaConfigsOverSaslSsl(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = broker(data)) {
            Properties commandConfig = new Properties();
            SaslListenerIT.client(broker, "SASL_SSL", "alice", "alice-secret", keys)
                    .forEach((key, value) -> commandConfig.setProperty(key, String.valueOf(value)));
            Path commandConfigFile = data.resolveSibling("admin-" + System.nanoTime() + ".properties");
            try (var out = Files.newBufferedWriter(commandConfigFile)) {
                commandConfig.store(out, null);
            }
            String bootstrap = "localhost:" + broker.port("SASL_SSL");
            try (Admin admin = Admin.create(SaslListenerIT.client(broker, "SASL_SSL", "alice", "alice-secret", keys))) {
                admin.createTopics(List.of(new NewTopic("erins", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }

            String added = KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--command-config",
                    commandConfigFile.toString(), "--alter", "--add-config",
                    "SCRAM-SHA-256=[iterations=8192,password=erin-secret]", "--entity-type", "users", "--entity-name", "erin");
            assertThat(added).contains("Completed updating config for user erin");
            String described = KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--command-config",
                    commandConfigFile.toString(), "--describe", "--entity-type", "users", "--entity-name", "erin");
            assertThat(described).contains("SCRAM credential configs for user-principal 'erin' are SCRAM-SHA-256=iterations=8192");

            produceOne(scramClient(broker, "erin", "erin-secret"), "erins");
            assertThatThrownBy(() -> produceOne(scramClient(broker, "erin", "not-erins"), "erins"))
                    .hasRootCauseInstanceOf(SaslAuthenticationException.class);

            KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--command-config",
                    commandConfigFile.toString(), "--alter", "--delete-config", "SCRAM-SHA-256", "--entity-type", "users",
                    "--entity-name", "erin");
            assertThatThrownBy(() -> produceOne(scramClient(broker, "erin", "erin-secret"), "erins"))
                    .as("a new connection after the deletion").hasRootCauseInstanceOf(SaslAuthenticationException.class);
            String none = KafkaToolMain.run(ConfigCommand::main, "--bootstrap-server", bootstrap, "--command-config",
                    commandConfigFile.toString(), "--describe", "--entity-type", "users", "--entity-name", "erin");
            assertThat(none).doesNotContain("SCRAM-SHA-256=");
        }
    }

    @Test
    void shouldAnswerTheAdminClientsScramCallsWithKafkasErrors(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = broker(data);
                Admin admin = Admin.create(SaslListenerIT.client(broker, "SASL_SSL", "alice", "alice-secret", keys))) {
            admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("gina",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096), "gina-secret"))).all().get(30, TimeUnit.SECONDS);
            assertThat(admin.describeUserScramCredentials().all().get(30, TimeUnit.SECONDS).get("gina").credentialInfos())
                    .extracting(ScramCredentialInfo::mechanism, ScramCredentialInfo::iterations)
                    .containsExactly(org.assertj.core.groups.Tuple.tuple(ScramMechanism.SCRAM_SHA_256, 4096));

            var tooMany = admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion("gina",
                    new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 20_000), "x"))).all();
            assertThatThrownBy(() -> tooMany.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(UnacceptableCredentialException.class).hasMessageContaining("Too many iterations");
            var unknown = admin.describeUserScramCredentials(List.of("nobody")).description("nobody");
            assertThatThrownBy(() -> unknown.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                    .hasCauseInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("Attempt to describe a user credential that does not exist: nobody");
            assertThat(admin.describeClientQuotas(org.apache.kafka.common.quota.ClientQuotaFilter.all())
                    .entities().get(30, TimeUnit.SECONDS)).isEmpty();
        }
    }
}
