package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class NetworkConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhereTheyFitOneEmbeddableNodeWhenNothingIsSet() {
        NetworkConfig network = BrokerConfig.of(Map.of()).network();
        assertThat(network.listener()).as("Kafka listens on every interface; Surety on loopback")
                .isEqualTo(new NetworkConfig.Listener("127.0.0.1", 9092));
        assertThat(network.advertisedListener()).isEqualTo(network.listener());
        assertThat(network.socketRequestMaxBytes()).isEqualTo(100 * 1024 * 1024);
        assertThat(network.ioThreads()).as("Kafka: 8").isEqualTo(4);
        assertThat(network.networkThreads()).as("Kafka: 3").isEqualTo(2);
    }

    @Test
    void shouldAdvertiseItsOwnAddressWhenAdvertisedListenersIsSet() {
        NetworkConfig network = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://0.0.0.0:0",
                "advertised.listeners", "PLAINTEXT://broker.example:19092")).network();
        assertThat(network.listener()).isEqualTo(new NetworkConfig.Listener("0.0.0.0", 0));
        assertThat(network.advertisedListener().toString()).isEqualTo("broker.example:19092");
    }

    @Test
    void shouldBindEveryInterfaceAndAdvertiseTheCanonicalHostWhenTheHostIsEmpty() throws Exception {
        NetworkConfig network = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://:9092")).network();

        assertThat(network.listener()).isEqualTo(new NetworkConfig.Listener("0.0.0.0", 9092));
        assertThat(network.advertisedListener())
                .isEqualTo(new NetworkConfig.Listener(InetAddress.getLocalHost().getCanonicalHostName(), 9092));
    }

    @Test
    void shouldServeOnlyTheBrokerListenerWhenAControllerListenerIsNamed() {
        NetworkConfig network = BrokerConfig.of(Map.of("listeners", "CONTROLLER://127.0.0.1:9093,PLAINTEXT://127.0.0.1:9092",
                "controller.listener.names", "CONTROLLER")).network();

        assertThat(network.listener()).isEqualTo(new NetworkConfig.Listener("127.0.0.1", 9092));
        assertThat(network.advertisedListener()).isEqualTo(network.listener());
    }

    @Test
    void shouldTakeIpv6AddressesInBrackets() {
        NetworkConfig network = BrokerConfig.of(Map.of("listeners", "PLAINTEXT://[::1]:9092")).network();

        assertThat(network.listener()).isEqualTo(new NetworkConfig.Listener("::1", 9092));
    }

    @Test
    void shouldRefuseListenersItCannotServeNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "PLAINTEXT://a:1,PLAINTEXT://b:2")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listeners")
                .hasMessageContaining("listener PLAINTEXT is named twice");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "PLAINTEXT://a:1,EXTERNAL://b:2",
                "listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,EXTERNAL:PLAINTEXT")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listeners")
                .hasMessageContaining("exactly one broker listener is supported on a single node");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("advertised.listeners", "SSL://a:1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("advertised.listeners")
                .hasMessageContaining("listener SSL is not in listeners");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "SSL://127.0.0.1:9093")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listeners")
                .hasMessageContaining("listener SSL takes TLS but has no keystore");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "PLAINTEXT://nohost")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("expected NAME://host:port");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.io.threads", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.io.threads");
    }
}
