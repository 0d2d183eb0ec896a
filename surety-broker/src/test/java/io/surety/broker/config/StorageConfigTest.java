package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class StorageConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhereKafkaHasTheKeyWhenNothingIsSet() {
        StorageConfig storage = BrokerConfig.of(Map.of()).storage();
        assertThat(storage.segmentBytes()).isEqualTo(1024 * 1024 * 1024);
        assertThat(storage.segmentMs()).as("log.roll.hours=168").isEqualTo(168 * 3_600_000L);
        assertThat(storage.retentionMs()).as("log.retention.hours=168").isEqualTo(168 * 3_600_000L);
        assertThat(storage.retentionBytes()).isEqualTo(-1L);
        assertThat(storage.retentionCheckIntervalMs()).isEqualTo(300_000L);
        assertThat(storage.indexIntervalBytes()).isEqualTo(4096);
        assertThat(storage.messageTimestampType()).isEqualTo("CreateTime");
        assertThat(storage.messageTimestampBeforeMaxMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(storage.messageTimestampAfterMaxMs()).as("Kafka 4.0's default").isEqualTo(3_600_000L);
        assertThat(storage.messageMaxBytes()).isEqualTo(1024 * 1024 + 12);
        assertThat(storage.cleanupPolicy()).containsExactly("delete");
        assertThat(storage.flushIntervalMs()).as("Kafka: unset, so never by time").isEqualTo(Long.MAX_VALUE);
        assertThat(storage.recoveryCheckpointIntervalMs()).isEqualTo(60_000L);
        assertThat(storage.fileDeleteDelayMs()).isEqualTo(60_000L);
        assertThat(storage.dataDir()).isEqualTo(Path.of("./data"));
        assertThat(storage.flushPolicy()).as("Surety's own key").isEqualTo(FlushPolicy.FSYNC);
        assertThat(storage.fsyncLedgerEnabled()).isFalse();
    }

    @Test
    void shouldTakeTheRollAgeFromMillisecondsOverHours() {
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "2")).storage().segmentMs()).isEqualTo(7_200_000L);
        assertThat(BrokerConfig.of(Map.of("log.roll.hours", "2", "log.roll.ms", "5000")).storage().segmentMs())
                .isEqualTo(5_000L);
    }

    @Test
    void shouldKeepForeverWhenRetentionIsNegativeAndRefuseBelowMinusOneNamingTheKey() {
        assertThat(BrokerConfig.of(Map.of("log.retention.hours", "-5")).storage().retentionMs()).isEqualTo(-1L);
        assertThat(BrokerConfig.of(Map.of("log.retention.minutes", "-5")).storage().retentionMs()).isEqualTo(-1L);
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.retention.ms", "-2")))
                .isInstanceOf(ConfigException.class)
                .hasMessage("Invalid value -2 for configuration log.retention.ms: must be -1 or at least 0");
    }

    @Test
    void shouldTakeTheDataDirectoryFromLogDirsOverLogDirAndRefuseBlankNamingTheKey() {
        assertThat(BrokerConfig.of(Map.of("log.dir", "/a")).storage().dataDir()).isEqualTo(Path.of("/a"));
        assertThat(BrokerConfig.of(Map.of("log.dir", "/a", "log.dirs", " /b ")).storage().dataDir())
                .isEqualTo(Path.of("/b"));
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.dirs", " ")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.dirs")
                .hasMessageContaining("give the data directory's path");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.dir", "/a,/b")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.dir")
                .hasMessageContaining("several data directories are not supported yet");
    }

    @Test
    void shouldReadTheFlushPolicyAndRefuseOutOfRangeValuesNamingTheKey() {
        assertThat(BrokerConfig.of(Map.of("flush.policy", "interval")).storage().flushPolicy())
                .isEqualTo(FlushPolicy.INTERVAL);
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.segment.bytes", "100")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.segment.bytes");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.cleanup.policy", "shred")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.cleanup.policy");
    }

    @Test
    void shouldCheckTheSameWhenBuiltByHand() {
        StorageConfig d = BrokerConfig.of(Map.of()).storage();
        assertThatThrownBy(() -> new StorageConfig(d.dataDir(), d.segmentBytes(), d.segmentMs(), -2,
                d.retentionBytes(), d.retentionCheckIntervalMs(), d.indexIntervalBytes(), d.messageTimestampType(),
                d.messageTimestampBeforeMaxMs(), d.messageTimestampAfterMaxMs(), d.messageMaxBytes(), List.of("delete"),
                d.flushPolicy(), d.flushIntervalMs(), d.recoveryCheckpointIntervalMs(), d.fileDeleteDelayMs(),
                d.fsyncLedgerEnabled(), d.flushThreads()))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.retention.ms");
    }
}
