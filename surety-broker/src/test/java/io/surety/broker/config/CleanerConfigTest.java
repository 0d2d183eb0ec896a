package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CleanerConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhereKafkaHasTheKeyWhenNothingIsSet() {
        CleanerConfig cleaner = BrokerConfig.of(Map.of()).cleaner();
        assertThat(cleaner.enabled()).isTrue();
        assertThat(cleaner.threads()).isEqualTo(1);
        assertThat(cleaner.dedupeBufferBytes()).as("Kafka: 128 MiB; smaller because the broker is often embedded")
                .isEqualTo(16L * 1024 * 1024);
        assertThat(cleaner.loadFactor()).isEqualTo(0.9);
        assertThat(cleaner.ioMaxBytesPerSecond()).isEqualTo(Double.MAX_VALUE);
        assertThat(cleaner.backoffMs()).isEqualTo(15_000L);
        assertThat(cleaner.minCleanableRatio()).isEqualTo(0.5);
        assertThat(cleaner.deleteRetentionMs()).isEqualTo(86_400_000L);
        assertThat(cleaner.minCompactionLagMs()).isZero();
        assertThat(cleaner.maxCompactionLagMs()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void shouldShareTheDedupeBufferEvenlyAmongTheThreads() {
        CleanerConfig cleaner = BrokerConfig.of(Map.of("log.cleaner.threads", "4",
                "log.cleaner.dedupe.buffer.size", "8388608")).cleaner();
        assertThat(cleaner.mapBytesPerThread()).isEqualTo(2L * 1024 * 1024);
    }

    @Test
    void shouldRefuseOutOfRangeValuesNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.cleaner.threads", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.cleaner.threads");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.cleaner.io.buffer.load.factor", "0.99")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.cleaner.io.buffer.load.factor");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("log.cleaner.dedupe.buffer.size", "1024")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("log.cleaner.dedupe.buffer.size");
    }
}
