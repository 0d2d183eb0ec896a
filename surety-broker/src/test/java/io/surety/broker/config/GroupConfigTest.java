package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class GroupConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        GroupConfig groups = BrokerConfig.of(Map.of()).groups();
        assertThat(groups.minSessionTimeoutMs()).isEqualTo(6_000);
        assertThat(groups.maxSessionTimeoutMs()).isEqualTo(1_800_000);
        assertThat(groups.initialRebalanceDelayMs()).isEqualTo(3_000);
        assertThat(groups.classicMaxSize()).isEqualTo(Integer.MAX_VALUE);
        assertThat(groups.offsetsRetentionMs()).as("offsets.retention.minutes=10080").isEqualTo(7L * 24 * 3_600_000);
        assertThat(groups.offsetsRetentionCheckIntervalMs()).isEqualTo(600_000L);
        assertThat(groups.offsetMetadataMaxBytes()).isEqualTo(4096);
        assertThat(groups.journalCompactionBytes()).as("offsets.topic.segment.bytes").isEqualTo(100L * 1024 * 1024);
        assertThat(groups.consumerSessionTimeoutMs()).isEqualTo(45_000);
        assertThat(groups.consumerMinSessionTimeoutMs()).isEqualTo(45_000);
        assertThat(groups.consumerMaxSessionTimeoutMs()).isEqualTo(60_000);
        assertThat(groups.consumerHeartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(groups.consumerMinHeartbeatIntervalMs()).isEqualTo(5_000);
        assertThat(groups.consumerMaxHeartbeatIntervalMs()).isEqualTo(15_000);
        assertThat(groups.consumerMaxSize()).isEqualTo(Integer.MAX_VALUE);
        assertThat(groups.consumerAssignors()).containsExactly("uniform", "range");
        assertThat(GroupConfig.defaults()).isEqualTo(groups);
    }

    @Test
    void shouldRefuseMinSessionTimeoutAboveMaxNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.min.session.timeout.ms", "10000",
                "group.max.session.timeout.ms", "9000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 10000 for configuration group.min.session.timeout.ms: "
                        + "must not exceed group.max.session.timeout.ms");
    }

    @Test
    void shouldRefuseConsumerSessionTimeoutOutsideItsBoundsNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.session.timeout.ms", "30000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 30000 for configuration group.consumer.session.timeout.ms: must be within "
                        + "[group.consumer.min.session.timeout.ms, group.consumer.max.session.timeout.ms]");
        assertThat(BrokerConfig.of(Map.of("group.consumer.session.timeout.ms", "30000",
                "group.consumer.min.session.timeout.ms", "30000")).groups().consumerSessionTimeoutMs())
                .isEqualTo(30_000);
    }

    @Test
    void shouldRefuseHeartbeatIntervalOutsideItsBoundsOrNotBelowTheSessionNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.heartbeat.interval.ms", "20000")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.consumer.heartbeat.interval.ms")
                .hasMessageContaining("[group.consumer.min.heartbeat.interval.ms, "
                        + "group.consumer.max.heartbeat.interval.ms]");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.session.timeout.ms", "5000",
                "group.consumer.min.session.timeout.ms", "1000")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value 5000 for configuration group.consumer.heartbeat.interval.ms: "
                        + "must be lower than group.consumer.session.timeout.ms");
    }

    @Test
    void shouldMapKafkaAssignorClassNamesOnceAndRefuseUnknownOnesNamingTheKey() {
        assertThat(BrokerConfig.of(Map.of("group.consumer.assignors",
                "org.apache.kafka.coordinator.group.assignor.RangeAssignor,uniform,range")).groups().consumerAssignors())
                .containsExactly("range", "uniform");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.assignors", "sticky")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value sticky for configuration group.consumer.assignors: known assignors: uniform, range");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("group.consumer.assignors", "")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("group.consumer.assignors").hasMessageContaining("at least one assignor is needed");
    }

    @Test
    void shouldCheckTheSameWhenBuiltByHand() {
        GroupConfig d = GroupConfig.defaults();
        assertThatThrownBy(() -> new GroupConfig(d.maxSessionTimeoutMs() + 1, d.maxSessionTimeoutMs(),
                d.initialRebalanceDelayMs(), d.classicMaxSize(), d.offsetsRetentionMs(),
                d.offsetsRetentionCheckIntervalMs(), d.offsetMetadataMaxBytes(), d.journalCompactionBytes(),
                d.consumerSessionTimeoutMs(), d.consumerMinSessionTimeoutMs(), d.consumerMaxSessionTimeoutMs(),
                d.consumerHeartbeatIntervalMs(), d.consumerMinHeartbeatIntervalMs(), d.consumerMaxHeartbeatIntervalMs(),
                d.consumerMaxSize(), d.consumerAssignors()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("group.min.session.timeout.ms");
        GroupConfig mapped = new GroupConfig(d.minSessionTimeoutMs(), d.maxSessionTimeoutMs(),
                d.initialRebalanceDelayMs(), d.classicMaxSize(), d.offsetsRetentionMs(),
                d.offsetsRetentionCheckIntervalMs(), d.offsetMetadataMaxBytes(), d.journalCompactionBytes(),
                d.consumerSessionTimeoutMs(), d.consumerMinSessionTimeoutMs(), d.consumerMaxSessionTimeoutMs(),
                d.consumerHeartbeatIntervalMs(), d.consumerMinHeartbeatIntervalMs(), d.consumerMaxHeartbeatIntervalMs(),
                d.consumerMaxSize(), List.of("org.apache.kafka.coordinator.group.assignor.UniformAssignor"));
        assertThat(mapped.consumerAssignors()).containsExactly("uniform");
    }
}
