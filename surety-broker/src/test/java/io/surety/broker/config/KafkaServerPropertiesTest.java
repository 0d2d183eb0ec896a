package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * The {@code server.properties} Apache Kafka ships for a combined node loads unchanged: every key is
 * honoured (a setting Surety defines and uses) or accepted with a WARN naming it.
 */
class KafkaServerPropertiesTest {

    private static Map<String, String> kafkaServerProperties() throws IOException {
        Properties props = new Properties();
        try (InputStream in = KafkaServerPropertiesTest.class.getResourceAsStream("/fixtures/kafka-4.3.1-server.properties")) {
            props.load(in);
        }
        Map<String, String> settings = new LinkedHashMap<>();
        props.stringPropertyNames().forEach(key -> settings.put(key, props.getProperty(key).trim()));
        return settings;
    }

    @Test
    void shouldHonourOrWarnAboutEveryKeyOfKafkasShippedServerProperties() throws IOException {
        Map<String, String> settings = kafkaServerProperties();
        assertThat(settings).as("the fixture").hasSizeGreaterThan(20);

        BrokerConfig config = BrokerConfig.of(settings);

        List<String> warnings = config.warnings();
        for (String key : settings.keySet()) {
            boolean honoured = BrokerConfig.type(key) != null;
            boolean warned = warnings.stream().anyMatch(line -> line.contains("'" + key + "'"));
            assertThat(honoured || warned).as("%s is honoured or named in a WARN; warnings: %s", key, warnings).isTrue();
        }
        assertThat(warnings).as("no WARN for a key Surety honours")
                .noneMatch(line -> line.contains("'listeners'") || line.contains("'log.dirs'"));
    }

    @Test
    void shouldRunKafkasShippedFileAsTodaysSingleNodeOnEveryInterface() throws IOException {
        BrokerConfig config = BrokerConfig.of(kafkaServerProperties());

        assertThat(config.cluster().mode()).as("the bootstrap server is this node's own controller listener")
                .isEqualTo(ClusterMode.SINGLE_NODE);
        assertThat(config.network().listener()).as("an empty host binds every interface, as Kafka does")
                .isEqualTo(new NetworkConfig.Listener("0.0.0.0", 9092));
        assertThat(config.network().advertisedListener()).isEqualTo(new NetworkConfig.Listener("localhost", 9092));
        assertThat(config.cluster().controllerListener()).hasValue(new ListenerEndpoint("CONTROLLER", "", 9093));
        assertThat(config.cluster().advertisedControllerListener())
                .hasValue(new ListenerEndpoint("CONTROLLER", "localhost", 9093));
        assertThat(config.storage().dataDir()).isEqualTo(Path.of("/tmp/kraft-combined-logs"));
        assertThat(config.network().ioThreads()).isEqualTo(8);
        assertThat(config.network().networkThreads()).isEqualTo(3);
        assertThat(config.storage().retentionMs()).isEqualTo(168 * 3_600_000L);
    }

    /** The shipped file with the SASL/PLAIN changes Kafka's security documentation describes. */
    private static Map<String, String> kafkaSaslPlainProperties() throws IOException {
        Map<String, String> settings = kafkaServerProperties();
        settings.remove("inter.broker.listener.name");
        settings.put("listeners", "SASL_PLAINTEXT://:9092,CONTROLLER://:9093");
        settings.put("advertised.listeners", "SASL_PLAINTEXT://localhost:9092,CONTROLLER://localhost:9093");
        settings.put("security.inter.broker.protocol", "SASL_PLAINTEXT");
        settings.put("sasl.mechanism.inter.broker.protocol", "PLAIN");
        settings.put("sasl.enabled.mechanisms", "PLAIN");
        settings.put("listener.name.sasl_plaintext.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"admin\" "
                        + "password=\"admin-secret\" user_admin=\"admin-secret\" user_alice=\"alice-secret\";");
        return settings;
    }

    @Test
    void shouldServeSaslPlainFromKafkasFileWithItsSecurityChanges() throws IOException {
        BrokerConfig config = BrokerConfig.of(kafkaSaslPlainProperties());

        NetworkConfig.BrokerListener listener = config.network().brokerListeners().get(0);
        assertThat(listener.name()).isEqualTo("SASL_PLAINTEXT");
        assertThat(listener.sasl()).hasValueSatisfying(sasl -> assertThat(sasl.mechanisms()).containsExactly("PLAIN"));
        assertThat(config.cluster().listeners().interBrokerName()).isEqualTo("SASL_PLAINTEXT");
        assertThat(config.warnings()).anyMatch(line -> line.contains("'security.inter.broker.protocol'"))
                .anyMatch(line -> line.contains("'sasl.mechanism.inter.broker.protocol'"));
    }

    @Test
    void shouldRefuseSaslReplicationAndBothInterBrokerKeysInOneLine() throws IOException {
        Map<String, String> cluster = kafkaSaslPlainProperties();
        cluster.remove("controller.quorum.bootstrap.servers");
        cluster.put("controller.quorum.voters", "1@localhost:9093,2@localhost:9193,3@localhost:9293");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BrokerConfig.of(cluster))
                .hasMessageContaining("inter.broker.listener.name=SASL_PLAINTEXT takes SASL_PLAINTEXT, but brokers do "
                        + "not replicate over SASL yet");

        Map<String, String> both = kafkaSaslPlainProperties();
        both.put("inter.broker.listener.name", "SASL_PLAINTEXT");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> BrokerConfig.of(both))
                .hasMessageContaining("only one of inter.broker.listener.name and security.inter.broker.protocol");
    }

    @Test
    void shouldBecomeAClusterNodeWhenTheSameFileListsThreeVoters() throws IOException {
        Map<String, String> settings = kafkaServerProperties();
        settings.remove("controller.quorum.bootstrap.servers");
        settings.put("controller.quorum.voters", "1@localhost:9093,2@localhost:9193,3@localhost:9293");

        ClusterConfig cluster = BrokerConfig.of(settings).cluster();

        assertThat(cluster.mode()).isEqualTo(ClusterMode.CLUSTER);
        assertThat(cluster.ownVoter()).hasValue(new QuorumVoter(1, "localhost", 9093));
        assertThat(cluster.advertisedInterBrokerListener()).hasValue(new ListenerEndpoint("PLAINTEXT", "localhost", 9092));
    }
}
