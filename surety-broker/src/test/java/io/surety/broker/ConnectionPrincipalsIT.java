package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.KafkaPrincipalBuilder;
import org.apache.kafka.common.security.auth.PlaintextAuthenticationContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Each connection's principal is built as Kafka builds it, seen in the request log: a TLS client
 * with a certificate is {@code User:CN=...} (Kafka's default builder), shortened by
 * {@code ssl.principal.mapping.rules}; one without a certificate and a PLAINTEXT one are
 * {@code User:ANONYMOUS}; a {@code principal.builder.class} of the operator's is used instead; and
 * one that cannot be used refuses the start naming the setting.
 */
class ConnectionPrincipalsIT {

    private static final String PASSWORD = "tls-test-secret";
    private static final String REQUEST_LOG = "io.surety.broker.requests";

    @TempDir
    static Path keys;

    private Level levelBefore;

    /** A builder of the operator's: every PLAINTEXT connection is {@code User:from-<listener>}. */
    public static final class ListenerNamingBuilder implements KafkaPrincipalBuilder {
        @Override
        public KafkaPrincipal build(AuthenticationContext context) {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE,
                    "from-" + ((PlaintextAuthenticationContext) context).listenerName().toLowerCase(java.util.Locale.ROOT));
        }

        @Override
        public byte[] serialize(KafkaPrincipal principal) {
            return principal.getName().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public KafkaPrincipal deserialize(byte[] bytes) {
            return new KafkaPrincipal(KafkaPrincipal.USER_TYPE, new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    @BeforeAll
    static void makeKeystores() throws Exception {
        Keytool.selfSigned(keys.resolve("server.p12"), "server", "localhost", PASSWORD);
        Keytool.selfSigned(keys.resolve("client.p12"), "client", "surety-test-client", PASSWORD);
        Keytool.trust(keys.resolve("server.p12"), "server", keys.resolve("client-trust.p12"), PASSWORD);
        Keytool.trust(keys.resolve("client.p12"), "client", keys.resolve("server-trust.p12"), PASSWORD);
    }

    @BeforeEach
    void logRequests() {
        Logger requests = (Logger) LoggerFactory.getLogger(REQUEST_LOG);
        levelBefore = requests.getLevel();
        requests.setLevel(Level.DEBUG);
    }

    @AfterEach
    void restoreLevel() {
        ((Logger) LoggerFactory.getLogger(REQUEST_LOG)).setLevel(levelBefore);
    }

    private static SuretyBroker tlsBroker(Path data, Map<String, String> more) throws Exception {
        Map<String, String> configs = new HashMap<>(Map.of(
                "listeners", "SSL://127.0.0.1:0",
                "ssl.keystore.location", keys.resolve("server.p12").toString(),
                "ssl.keystore.password", PASSWORD,
                "ssl.keystore.type", "PKCS12",
                "ssl.truststore.location", keys.resolve("server-trust.p12").toString(),
                "ssl.truststore.password", PASSWORD,
                "ssl.client.auth", "requested"));
        configs.putAll(more);
        return SuretyBroker.builder().dataDir(data).configs(configs).start();
    }

    private static Map<String, Object> tlsClient(SuretyBroker broker, boolean certificate) {
        Map<String, Object> tls = Keytool.clientTls(keys.resolve("client-trust.p12"),
                certificate ? keys.resolve("client.p12") : null, PASSWORD);
        tls.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + broker.port("SSL"));
        return tls;
    }

    /** The principals the request log names for what {@code client} sends. */
    private static List<String> principalsOf(Map<String, Object> client) throws Exception {
        try (LogCapture log = LogCapture.attach(REQUEST_LOG, true); Admin admin = Admin.create(client)) {
            admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
            return log.keptOthers().stream().map(line -> line.replaceAll(".* principal=(\\S+) .*", "$1")).distinct().toList();
        }
    }

    @Test
    void shouldNameATlsClientByItsCertificateAndOneWithoutAsAnonymous(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = tlsBroker(data, Map.of())) {
            assertThat(principalsOf(tlsClient(broker, true))).containsExactly("User:CN=surety-test-client");
            assertThat(principalsOf(tlsClient(broker, false))).containsExactly("User:ANONYMOUS");
        }
    }

    @Test
    void shouldMapTheCertificateNameWithTheListenersRules(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = tlsBroker(data, Map.of("listener.name.ssl.ssl.principal.mapping.rules",
                "RULE:^CN=([^,]*)$/$1/U,DEFAULT"))) {
            assertThat(principalsOf(tlsClient(broker, true))).containsExactly("User:SURETY-TEST-CLIENT");
        }
    }

    @Test
    void shouldUseThePrincipalBuilderClassOfTheOperator(@TempDir Path data) throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().dataDir(data)
                .config("principal.builder.class", ListenerNamingBuilder.class.getName()).start()) {
            assertThat(principalsOf(Map.of(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers())))
                    .containsExactly("User:from-plaintext");
        }
    }

    @Test
    void shouldRefuseToStartWithAPrincipalBuilderThatCannotBeUsed(@TempDir Path data) {
        assertThatThrownBy(() -> SuretyBroker.builder().dataDir(data).config("principal.builder.class", "com.example.Missing")
                .start()).isInstanceOf(java.io.IOException.class)
                .hasMessage("Invalid configuration: Invalid value com.example.Missing for configuration principal.builder.class: "
                        + "no such class on the class path");
        assertThatThrownBy(() -> SuretyBroker.builder().dataDir(data).config("principal.builder.class", String.class.getName())
                .start()).isInstanceOf(java.io.IOException.class)
                .hasMessageContaining("not a org.apache.kafka.common.security.auth.KafkaPrincipalBuilder");
    }
}
