package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class SaslConfigTest {

    private static final String PLAIN_JAAS = "org.apache.kafka.common.security.plain.PlainLoginModule required "
            + "username=\"admin\" password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";";

    private static Map<String, String> settings(String... pairs) {
        Map<String, String> settings = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            settings.put(pairs[i], pairs[i + 1]);
        }
        return settings;
    }

    @Test
    void shouldLoadPlainUsersFromTheListenersJaasSettingAsKafkaWritesIt() {
        SaslConfig.ListenerSasl sasl = SaslConfig.forListener(settings("sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS), "SASL_PLAINTEXT");

        assertThat(sasl.mechanisms()).containsExactly("PLAIN");
        assertThat(sasl.jaasEntries().get("PLAIN")).singleElement().satisfies(entry ->
                assertThat(entry.getOptions().get("user_alice")).isEqualTo("alice-secret"));
        assertThat(sasl.maxReceiveBytes()).isEqualTo(524_288);
        assertThat(sasl.failedAuthenticationDelayMs()).isEqualTo(100);
        assertThat(sasl.maxReauthMs()).containsEntry("PLAIN", 0L);
    }

    @Test
    void shouldPreferTheListenersOwnKeysAndFallBackToTheGeneralOnes() {
        SaslConfig.ListenerSasl sasl = SaslConfig.forListener(settings("sasl.enabled.mechanisms", "GSSAPI",
                "listener.name.client.sasl.enabled.mechanisms", "SCRAM-SHA-512,PLAIN",
                "sasl.jaas.config", PLAIN_JAAS,
                "connections.max.reauth.ms", "60000",
                "listener.name.client.plain.connections.max.reauth.ms", "2000",
                "sasl.server.max.receive.size", "4096",
                "connection.failed.authentication.delay.ms", "0"), "CLIENT");

        assertThat(sasl.mechanisms()).containsExactly("SCRAM-SHA-512", "PLAIN");
        assertThat(sasl.jaasEntries().get("PLAIN")).hasSize(1);
        assertThat(sasl.maxReauthMs()).containsEntry("PLAIN", 2_000L).containsEntry("SCRAM-SHA-512", 60_000L);
        assertThat(sasl.maxReceiveBytes()).isEqualTo(4096);
        assertThat(sasl.failedAuthenticationDelayMs()).isZero();
    }

    @Test
    void shouldRefuseGssapiKafkasDefaultInOneLineNamingTheKeyAndWhatToSet() {
        assertThatThrownBy(() -> SaslConfig.forListener(settings(), "SASL_SSL"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("sasl.enabled.mechanisms").hasMessageContaining("GSSAPI")
                .hasMessageContaining("set sasl.enabled.mechanisms to PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> SaslConfig.forListener(settings("listener.name.sasl_ssl.sasl.enabled.mechanisms",
                "PLAIN,GSSAPI"), "SASL_SSL")).hasMessageContaining("listener.name.sasl_ssl.sasl.enabled.mechanisms");
    }

    @Test
    void shouldRefuseOauthbearerUnknownAndEmptyMechanismLists() {
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", "OAUTHBEARER"), "SASL_SSL"))
                .hasMessageContaining("OAUTHBEARER is not served yet");
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", "plain"), "SASL_SSL"))
                .hasMessageContaining("unknown SASL mechanism plain");
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", " , "), "SASL_SSL"))
                .hasMessageContaining("no mechanism is enabled");
    }

    @Test
    void shouldRefusePlainWithoutUsersAndJaasThatDoesNotParseWithoutShowingTheSetting() {
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", "PLAIN"), "SASL_PLAINTEXT"))
                .hasMessageContaining("listener.name.sasl_plaintext.plain.sasl.jaas.config=")
                .hasMessageContaining("PlainLoginModule required user_<name>=");
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config", "user_alice=\"top-secret\""), "SASL_PLAINTEXT"))
                .isInstanceOf(ConfigException.class).hasMessageNotContaining("top-secret");
        assertThatThrownBy(() -> SaslConfig.forListener(settings("sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.scram.ScramLoginModule required user_alice=\"top-secret\";"),
                "SASL_PLAINTEXT"))
                .hasMessageContaining("needs org.apache.kafka.common.security.plain.PlainLoginModule")
                .hasMessageNotContaining("top-secret");
    }

    @Test
    void shouldLetScramGoWithoutJaas() {
        SaslConfig.ListenerSasl sasl = SaslConfig.forListener(settings("sasl.enabled.mechanisms", "SCRAM-SHA-256"),
                "SASL_SSL");
        assertThat(sasl.jaasEntries().get("SCRAM-SHA-256")).isEmpty();
    }

    @Test
    void shouldAcceptKafkasSaslKeysAndRefuseWrongValuesWhenTheBrokerConfigIsBuilt() {
        BrokerConfig config = BrokerConfig.of(settings("sasl.enabled.mechanisms", "PLAIN",
                "listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", "x", "connections.max.reauth.ms", "1000",
                "listener.name.sasl_ssl.plain.connections.max.reauth.ms", "5000",
                "sasl.mechanism.inter.broker.protocol", "PLAIN"));
        assertThat(config.warnings()).anyMatch(line -> line.contains("sasl.mechanism.inter.broker.protocol"));

        BrokerConfig plainInClear = BrokerConfig.of(settings("listeners", "SASL_PLAINTEXT://127.0.0.1:9092",
                "sasl.enabled.mechanisms", "PLAIN", "listener.name.sasl_plaintext.plain.sasl.jaas.config", PLAIN_JAAS));
        assertThat(plainInClear.warnings()).anyMatch(line -> line.contains("SASL PLAIN without TLS"));

        assertThatThrownBy(() -> BrokerConfig.of(settings("sasl.server.max.receive.size", "0")))
                .hasMessageContaining("sasl.server.max.receive.size");
        assertThatThrownBy(() -> BrokerConfig.of(settings("connection.failed.authentication.delay.ms", "600000")))
                .hasMessageContaining("connection.failed.authentication.delay.ms").hasMessageContaining("less than");
        assertThatThrownBy(() -> BrokerConfig.of(settings("listener.name.sasl_ssl.sasl.jaas.config", "x")))
                .hasMessageContaining("unknown setting");
    }
}
