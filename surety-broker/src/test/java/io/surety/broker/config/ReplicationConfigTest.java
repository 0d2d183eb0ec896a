package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ReplicationConfigTest {

    @Test
    void shouldUseKafkasDefaultsWhenNothingIsSet() {
        ReplicationConfig replication = BrokerConfig.of(Map.of()).replication();

        assertThat(replication).isEqualTo(new ReplicationConfig(30_000L, 500, 1_048_576, 10_485_760, 1, 1, 9_000, 2_000,
                true, 1_000, 1, false, 1_000, 5_000L));
    }

    @Test
    void shouldReadEveryKeyWhenSet() {
        ReplicationConfig replication = BrokerConfig.of(Map.ofEntries(Map.entry("replica.lag.time.max.ms", "10000"),
                Map.entry("replica.fetch.wait.max.ms", "100"), Map.entry("replica.fetch.max.bytes", "2048"),
                Map.entry("replica.fetch.response.max.bytes", "4096"), Map.entry("replica.fetch.min.bytes", "8"),
                Map.entry("num.replica.fetchers", "2"), Map.entry("broker.session.timeout.ms", "6000"),
                Map.entry("broker.heartbeat.interval.ms", "500"), Map.entry("controlled.shutdown.enable", "false"),
                Map.entry("controller.quorum.election.timeout.ms", "700"), Map.entry("min.insync.replicas", "2"),
                Map.entry("unclean.leader.election.enable", "true"), Map.entry("replica.fetch.backoff.ms", "250"),
                Map.entry("replica.high.watermark.checkpoint.interval.ms", "750")))
                .replication();

        assertThat(replication).isEqualTo(new ReplicationConfig(10_000L, 100, 2048, 4096, 8, 2, 6_000, 500, false, 700, 2,
                true, 250, 750L));
    }

    @Test
    void shouldAcceptAnyHighWatermarkCheckpointIntervalAsKafkaDoesButRefuseANonNumber() {
        assertThat(BrokerConfig.of(Map.of("replica.high.watermark.checkpoint.interval.ms", "0")).replication()
                .replicaHighWatermarkCheckpointIntervalMs()).isZero();
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("replica.high.watermark.checkpoint.interval.ms", "soon")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("replica.high.watermark.checkpoint.interval.ms");
    }

    @Test
    void shouldRefuseAFetchWaitLongerThanTheLagTimeAsKafkaDoes() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("replica.fetch.wait.max.ms", "40000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("replica.fetch.wait.max.ms=40000 is above replica.lag.time.max.ms=30000; a follower waiting "
                        + "that long would leave the ISR while it waits: lower it");
    }

    @Test
    void shouldRefuseAHeartbeatIntervalThatIsNotShorterThanTheSession() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("broker.heartbeat.interval.ms", "9000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("broker.heartbeat.interval.ms=9000 is not below "
                        + "broker.session.timeout.ms=9000");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.replica.fetchers", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.replica.fetchers");
    }
}
