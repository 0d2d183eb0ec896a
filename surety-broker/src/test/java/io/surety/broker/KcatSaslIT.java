package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * kcat (Debian's, librdkafka 2.0.2) over SASL_SSL with ACLs: PLAIN produces and consumes a topic
 * its ACLs allow; a wrong password fails with librdkafka's authentication error; a topic without
 * an ACL fails with its topic authorization error. SCRAM behaves as Kafka 4.3's server does with
 * this librdkafka: its final message carries a wrong nonce (fixed in librdkafka 2.6.1), and
 * kafka-clients 4.3.1's SCRAM server, which Surety uses, refuses it. Skipped, saying why, without kcat.
 */
class KcatSaslIT {

    @RegisterExtension
    static final KeepDataOnFailure DATA = new KeepDataOnFailure("surety-kcat-sasl-");

    private static final String PASSWORD = SaslListenerIT.PASSWORD;
    private static final Duration KCAT_TIMEOUT = Duration.ofSeconds(60);
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final String ALLOWED = "kcat-allowed";
    private static final String DENIED = "kcat-denied";

    private static Path kcat;
    private static String librdkafka;
    private static SuretyBroker broker;
    private static Path caPem;

    @BeforeAll
    static void start() throws Exception {
        Optional<Path> found = ClientProcess.onPath("kcat");
        if (found.isEmpty()) {
            return;
        }
        kcat = found.get();
        librdkafka = ClientProcess.run(DATA.dir().resolve("kcat-version"), DATA.dir(), KCAT_TIMEOUT, "", Map.of(),
                List.of(kcat.toString(), "-V")).stdout().lines().filter(l -> l.startsWith("Version ")).findFirst()
                .orElse("unknown");
        Path keys = DATA.dir().resolve("keys");
        java.nio.file.Files.createDirectories(keys);
        Keytool.selfSigned(keys.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.trust(keys.resolve("server.p12"), "server", keys.resolve("client-trust.p12"), PASSWORD);
        caPem = keys.resolve("server.pem");
        broker = SuretyBroker.builder().dataDir(DATA.dir().resolve("data")).configs(Map.of(
                "listeners", "SASL_SSL://127.0.0.1:0",
                "sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-256",
                "listener.name.sasl_ssl.plain.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule"
                        + " required user_admin=\"admin-secret\" user_alice=\"alice-secret\";",
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", PASSWORD,
                "authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer",
                "super.users", "User:admin")).start();
        broker.scramUser("SCRAM-SHA-256", "alice", "alice-secret");
        try (Admin admin = Admin.create(SaslListenerIT.client(broker, "SASL_SSL", "admin", "admin-secret", keys))) {
            admin.createTopics(List.of(new NewTopic(ALLOWED, 1, (short) 1), new NewTopic(DENIED, 1, (short) 1)))
                    .all().get(30, TimeUnit.SECONDS);
            ResourcePattern allowed = new ResourcePattern(ResourceType.TOPIC, ALLOWED, PatternType.LITERAL);
            admin.createAcls(List.of(
                    new AclBinding(allowed, new AccessControlEntry("User:alice", "*", AclOperation.WRITE, AclPermissionType.ALLOW)),
                    new AclBinding(allowed, new AccessControlEntry("User:alice", "*", AclOperation.READ, AclPermissionType.ALLOW))))
                    .all().get(30, TimeUnit.SECONDS);
        }
    }

    @AfterAll
    static void stop() {
        if (broker != null) {
            broker.close();
        }
    }

    @BeforeEach
    void announce(TestInfo test) {
        Assumptions.assumeTrue(kcat != null, "kcat is not installed (apt-get install kcat): skipping the kcat tests");
        System.out.println(test.getDisplayName() + " with kcat " + librdkafka);
    }

    @Test
    void shouldProduceAndConsumeOverSaslSslWithPlainWhereTheAclsAllow() throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("value-").append(i).append('\n');
        }
        ClientProcess.Result produced = kcat("produce", lines.toString(), "PLAIN", "alice-secret", "-P", "-t", ALLOWED);
        assertThat(produced.exitCode()).as("%s: %s", librdkafka, produced.stderr()).isZero();

        ClientProcess.Result consumed = kcat("consume", "", "PLAIN", "alice-secret", "-C", "-t", ALLOWED,
                "-o", "beginning", "-e");
        assertThat(consumed.exitCode()).as("%s: %s", librdkafka, consumed.stderr()).isZero();
        assertThat(consumed.stdout().lines().toList()).as(librdkafka).startsWith("value-0").contains("value-9").hasSize(10);
    }

    @Test
    void shouldFailWithLibrdkafkasAuthenticationErrorOnAWrongPassword() throws Exception {
        ClientProcess.Result listed = kcat("wrong-password", "", "PLAIN", "not-alices", "-L");
        assertThat(listed.exitCode()).as(librdkafka).isNotZero();
        assertThat(listed.stderr()).as(librdkafka).contains("Authentication failed");
    }

    @Test
    void shouldFailWithLibrdkafkasTopicAuthorizationErrorWithoutAnAcl() throws Exception {
        ClientProcess.Result produced = kcat("denied", "v\n", "PLAIN", "alice-secret", "-P", "-t", DENIED);
        assertThat(produced.exitCode()).as(librdkafka).isNotZero();
        assertThat(produced.stderr()).as(librdkafka).containsIgnoringCase("Topic authorization failed");
    }

    @Test
    void shouldRefuseThisLibrdkafkasScramLoginAsKafka43Does() throws Exception {
        Map<String, Object> java = SaslListenerIT.client(broker, "SASL_SSL", "alice", "", caPem.getParent());
        java.put(SaslConfigs.SASL_MECHANISM, "SCRAM-SHA-256");
        java.put(SaslConfigs.SASL_JAAS_CONFIG,
                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"alice\" password=\"alice-secret\";");
        try (Admin admin = Admin.create(java)) {
            assertThat(admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS))
                    .as("the same credential logs in with kafka-clients' SCRAM client").isNotEmpty();
        }
        ClientProcess.Result listed = kcat("scram", "", "SCRAM-SHA-256", "alice-secret", "-L");
        assertThat(listed.exitCode()).as(librdkafka).isNotZero();
        assertThat(listed.stderr()).as(librdkafka).contains("Authentication failed");
    }

    /** kcat as alice over SASL_SSL with {@code mechanism}, trusting the broker's certificate. */
    private static ClientProcess.Result kcat(String name, String stdin, String mechanism, String password, String... args)
            throws Exception {
        List<String> command = new ArrayList<>(List.of(kcat.toString(), "-b", "localhost:" + broker.port("SASL_SSL"),
                "-X", "security.protocol=SASL_SSL", "-X", "sasl.mechanisms=" + mechanism,
                "-X", "sasl.username=alice", "-X", "sasl.password=" + password,
                "-X", "ssl.ca.location=" + caPem, "-m", "5"));
        command.addAll(List.of(args));
        Map<String, String> environment = new HashMap<>();
        return ClientProcess.run(DATA.dir().resolve("kcat-" + RUNS.incrementAndGet() + "-" + name), DATA.dir(),
                KCAT_TIMEOUT, stdin, environment, command);
    }
}
