package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;
import org.junit.jupiter.api.Test;

class TlsConfigTest {

    private static BrokerConfig sslBroker(String... more) {
        Map<String, String> settings = new java.util.HashMap<>(Map.of("listeners", "SSL://127.0.0.1:9093",
                "ssl.keystore.location", "/keys/server.p12", "ssl.keystore.password", "secret"));
        for (int i = 0; i < more.length; i += 2) {
            settings.put(more[i], more[i + 1]);
        }
        return BrokerConfig.of(settings);
    }

    @Test
    void shouldParseKafkasTlsKeysWithTheListenersOwnFormWinning() {
        BrokerConfig config = sslBroker("ssl.client.auth", "requested", "listener.name.ssl.ssl.client.auth", "required");

        NetworkConfig.BrokerListener listener = config.network().brokerListeners().get(0);
        assertThat(listener.isTls()).isTrue();
        assertThat(listener.tls()).containsEntry("ssl.client.auth", "required")
                .containsEntry("ssl.keystore.location", "/keys/server.p12")
                .containsEntry("ssl.keystore.password", new Password("secret"))
                .containsKey("ssl.enabled.protocols");
    }

    @Test
    void shouldRefuseTlsValuesKafkaRefusesAndSuggestTheKeyATypoMeant() {
        assertThatThrownBy(() -> sslBroker("ssl.client.auth", "sometimes")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ssl.client.auth");
        assertThatThrownBy(() -> sslBroker("ssl.keystore.locaton", "/k")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("did you mean 'ssl.keystore.location'?");
    }

    @Test
    void shouldRefuseASaslSslListenerWithoutKeystoreAndSaslOnTheQuorumsListener() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "SASL_SSL://127.0.0.1:9093",
                "sasl.enabled.mechanisms", "SCRAM-SHA-256")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("takes TLS but has no keystore");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("node.id", "1", "process.roles", "broker,controller",
                "controller.quorum.voters", "1@127.0.0.1:9093,2@127.0.0.1:9095",
                "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                "controller.listener.names", "CONTROLLER",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:SASL_SSL")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("the quorum's listener, which does not take SASL yet");
    }

    @Test
    void shouldKeepAPlaintextListenerWithoutTls() {
        assertThat(BrokerConfig.of(Map.of()).network().brokerListeners().get(0).isTls()).isFalse();
    }
}
