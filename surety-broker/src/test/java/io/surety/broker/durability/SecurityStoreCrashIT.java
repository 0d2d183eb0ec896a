package io.surety.broker.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.harness.FreePorts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * SCRAM users and ACLs survive {@code kill -9}: a broker with Kafka's authorizer started with
 * {@code --add-scram} for its admin (a real child process, SASL_PLAINTEXT, SCRAM-SHA-256 only) takes
 * a new user, a changed admin password and the new user's ACL over the admin API, is killed the
 * moment they are acknowledged, and finds a torn frame at the journal's end (a crash mid-append of
 * a later change). After the restart, with the same {@code --add-scram} flag: the torn tail was
 * cut and reported with its size, the acknowledged changes hold (the new user writes, which its
 * ACL allows; the changed password works), and the bootstrap flag did not put the old admin
 * password back.
 */
class SecurityStoreCrashIT {

    private static Map<String, Object> scram(ChildBroker broker, String user, String password) {
        Map<String, Object> config = new HashMap<>();
        config.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
        config.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SASL_PLAINTEXT");
        config.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        config.put(SaslConfigs.SASL_JAAS_CONFIG, "org.apache.kafka.common.security.scram.ScramLoginModule required "
                + "username=\"" + user + "\" password=\"" + password + "\";");
        config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 20_000);
        return config;
    }

    private static void produceOne(Map<String, Object> client) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(client, new StringSerializer(),
                new StringSerializer())) {
            producer.send(new ProducerRecord<>("scram-crash", "k", "v")).get(30, TimeUnit.SECONDS);
        }
    }

    private static Path journalFile(Path dataDir) throws Exception {
        try (Stream<Path> files = Files.list(dataDir.resolve("security"))) {
            return files.filter(f -> f.getFileName().toString().endsWith(".journal")).findFirst().orElseThrow();
        }
    }

    @Test
    void shouldKeepAcknowledgedUsersAndAclsThroughAKill9AndATornTail() throws Exception {
        RunDirectory run = RunDirectory.create("SecurityStoreCrashIT");
        Path dataDir = run.dataDir("data");
        int port = FreePorts.find();
        try (ChildBroker broker = ChildBroker.launch(dataDir, run.logFile("broker"), port, Map.of(
                "listeners", "SASL_PLAINTEXT://127.0.0.1:" + port,
                "sasl.enabled.mechanisms", "SCRAM-SHA-256",
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin"), List.of(),
                List.of("--add-scram", "SCRAM-SHA-256=[name=admin,password=admin-first]"))) {
            broker.awaitStarted();
            try (Admin admin = Admin.create(scram(broker, "admin", "admin-first"))) {
                admin.createTopics(List.of(new NewTopic("scram-crash", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
                admin.alterUserScramCredentials(List.of(
                        new UserScramCredentialUpsertion("frank", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 4096),
                                "frank-secret"),
                        new UserScramCredentialUpsertion("admin", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_256, 8192),
                                "admin-second"))).all().get(30, TimeUnit.SECONDS);
                admin.createAcls(List.of(new AclBinding(new ResourcePattern(ResourceType.TOPIC, "scram-crash",
                        PatternType.LITERAL), new AccessControlEntry("User:frank", "*", AclOperation.WRITE,
                        AclPermissionType.ALLOW)))).all().get(30, TimeUnit.SECONDS);
            }
            broker.kill9();
            Path journal = journalFile(dataDir);
            long whole = Files.size(journal);
            byte[] torn = {0, 0, 0, 40, 1, 2, 3, 4, 5, 6, 7};
            Files.write(journal, torn, StandardOpenOption.APPEND);

            broker.restart();

            assertThat(Files.size(journal)).as("the torn tail is cut, every whole frame kept").isEqualTo(whole);
            assertThat(Files.readString(broker.logFile())).contains("cut " + torn.length + " bytes of torn or corrupt data");
            produceOne(scram(broker, "frank", "frank-secret"));
            produceOne(scram(broker, "admin", "admin-second"));
            try (Admin admin = Admin.create(scram(broker, "admin", "admin-second"))) {
                assertThat(admin.describeAcls(AclBindingFilter.ANY).values().get(30, TimeUnit.SECONDS))
                        .as("frank's ACL, which his write needed, survived").hasSize(1);
            }
            assertThatThrownBy(() -> produceOne(scram(broker, "admin", "admin-first")))
                    .as("--add-scram at the restart does not put the first password back")
                    .isInstanceOf(ExecutionException.class).hasRootCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
