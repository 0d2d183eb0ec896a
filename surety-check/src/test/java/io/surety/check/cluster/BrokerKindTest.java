package io.surety.check.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerKindTest {

    @TempDir
    Path dir;

    @Test
    void shouldNameKafkasVersionFromTheServerJarInTheClasspathDirectory() throws Exception {
        Files.createFile(dir.resolve("kafka-clients-4.3.1.jar"));
        Files.createFile(dir.resolve("kafka_2.13-4.3.1.jar"));

        assertThat(new BrokerKind.ApacheKafka(dir + "/*").label()).isEqualTo("Apache Kafka 4.3.1");
        assertThat(new BrokerKind.ApacheKafka("/opt/libs/kafka_2.13-3.9.1.jar:/opt/libs/other.jar").label())
                .isEqualTo("Apache Kafka 3.9.1");
        assertThat(new BrokerKind.ApacheKafka(dir.resolve("missing") + "/*").label()).isEqualTo("Apache Kafka");
    }

    @Test
    void shouldGiveKafkasInternalTopicsTheClustersReplicationAndSuretyNoMetricsPort() {
        assertThat(new BrokerKind.ApacheKafka("x").settings(3)).containsEntry("offsets.topic.replication.factor", "3")
                .containsEntry("transaction.state.log.replication.factor", "3")
                .containsEntry("transaction.state.log.min.isr", "2");
        assertThat(new BrokerKind.Surety().settings(3)).isEqualTo(Map.of("metrics.port", "0"));
    }

    @Test
    void shouldWriteKafkasSettingsToAPropertiesFileItsProcessReads() throws Exception {
        var process = new BrokerKind.ApacheKafka("x").node(Map.of("node.id", "2", "log.dirs", "/d"), dir, 2);

        Path file = dir.resolve("node-2.properties");
        assertThat(Files.readAllLines(file)).containsExactlyInAnyOrder("node.id=2", "log.dirs=/d");
        assertThat(process.command()).contains("kafka.Kafka", file.toString());
    }
}
