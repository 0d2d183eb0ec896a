package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class BrokerConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        BrokerConfig config = BrokerConfig.of(Map.of());
        assertThat(config.network().listener()).isEqualTo(new NetworkConfig.Listener("127.0.0.1", 9092));
        assertThat(config.storage().dataDir()).isEqualTo(Path.of("./data"));
        assertThat(config.storage().flushPolicy()).isEqualTo(FlushPolicy.FSYNC);
        assertThat(config.storage().retentionMs()).isEqualTo(168 * 3_600_000L);
        assertThat(config.storage().messageMaxBytes()).isEqualTo(1_048_588);
        assertThat(config.network().socketRequestMaxBytes()).isEqualTo(104_857_600);
        assertThat(config.topics().autoCreateTopicsEnable()).isTrue();
        assertThat(config.metrics().port()).isEqualTo(9464);
    }

    @Test
    void shouldTurnTheMetricsListenerOffWhenItsPortIsZeroAndRefusePortsOutOfRange() {
        assertThat(BrokerConfig.of(Map.of("metrics.port", "0")).metrics().port()).isZero();
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("metrics.port", "70000")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.port");
    }

    @Test
    void shouldRefuseUnknownSettingSuggestingTheOneMeantWhenMisspelt() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.retention.hourz", "1")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'log.retention.hourz'; did you mean 'log.retention.hours'?");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listener", "PLAINTEXT://127.0.0.1:1")))
                .hasMessageContaining("did you mean 'listeners'?");
    }

    @Test
    void shouldRefuseUnknownSettingWithoutAGuessWhenNothingIsClose() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("colour", "blue")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("unknown setting 'colour'; README.md lists the settings");
    }

    @Test
    void shouldRefuseSeveralDataDirectoriesWhenParsedNotWhenFirstUsed() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.dirs", "/a,/b")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("log.dirs").hasMessageContaining("several data directories are not supported yet");
    }

    @Test
    void shouldRefuseInvalidValueNamingTheSettingWhenTypeIsWrong() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.partitions", "three")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("flush.policy", "sometimes")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("flush.policy");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("listeners", "SSL://127.0.0.1:9093")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("listeners");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("default.replication.factor", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.replication.factor");
    }

    @Test
    void shouldPreferTheFinestRetentionUnitWhenSeveralAreSet() {
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "2", "log.retention.minutes", "3")).storage().retentionMs())
                .isEqualTo(180_000L);
        assertThat(BrokerConfig.of(Map.of("log.retention.minutes", "3", "log.retention.ms", "5")).storage().retentionMs())
                .isEqualTo(5L);
        assertThat(BrokerConfig.of(Map.of("log.retention.ms", "-1")).storage().retentionMs()).isEqualTo(-1L);
    }

    @Test
    void shouldAcceptKafkaKeysWithoutEffectWhenTheyOnlyMatterToClusters() {
        BrokerConfig config = BrokerConfig.of(Map.of("process.roles", "broker,controller",
                "offsets.topic.replication.factor", "1"));
        assertThat(config.originals()).containsKey("process.roles");
    }

    @Test
    void shouldDeriveTopicDefaultsFromBrokerSettingsWhenTopicHasNoOverride() {
        BrokerConfig broker = BrokerConfig.of(Map.of("log.segment.bytes", "4096", "log.retention.bytes", "100000"));
        TopicConfig topic = TopicConfig.of(broker, Map.of("retention.ms", "1000"));
        assertThat(topic.segmentBytes()).isEqualTo(4096);
        assertThat(topic.retentionBytes()).isEqualTo(100_000L);
        assertThat(topic.retentionMs()).isEqualTo(1000L);
        assertThatThrownBy(() -> TopicConfig.of(broker, Map.of("retention.mss", "1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("retention.mss");
        assertThatThrownBy(() -> TopicConfig.of(broker, Map.of("cleanup.policy", "shred")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("cleanup.policy");
    }

    @Test
    void shouldTakeCompactionSettingsFromTopicOrBrokerDefaults() {
        BrokerConfig broker = BrokerConfig.of(Map.of("log.cleanup.policy", "compact",
                "log.cleaner.delete.retention.ms", "5000", "log.cleaner.min.cleanable.ratio", "0.25"));
        TopicConfig inherited = TopicConfig.of(broker, Map.of());
        assertThat(inherited.compact()).isTrue();
        assertThat(inherited.deleteByRetention()).isFalse();
        assertThat(inherited.deleteRetentionMs()).isEqualTo(5000L);
        assertThat(inherited.minCleanableDirtyRatio()).isEqualTo(0.25);
        assertThat(inherited.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);

        TopicConfig both = TopicConfig.of(broker, Map.of("cleanup.policy", "compact,delete",
                "min.compaction.lag.ms", "100", "max.compaction.lag.ms", "60000", "segment.ms", "600000"));
        assertThat(both.compact()).isTrue();
        assertThat(both.deleteByRetention()).isTrue();
        assertThat(both.minCompactionLagMs()).isEqualTo(100L);
        assertThat(both.rollMs()).isEqualTo(60_000L);

        TopicConfig plain = TopicConfig.of(BrokerConfig.of(Map.of()), Map.of());
        assertThat(plain.compact()).isFalse();
        assertThat(plain.deleteByRetention()).isTrue();
        assertThatThrownBy(() -> TopicConfig.of(broker, Map.of("min.cleanable.dirty.ratio", "1.5")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("min.cleanable.dirty.ratio");
    }
}
