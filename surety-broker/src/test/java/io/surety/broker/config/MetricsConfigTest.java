package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class MetricsConfigTest {

    @Test
    void shouldServeMetricsOnThePrometheusExporterPortUnlessTurnedOffWithZero() {
        assertThat(BrokerConfig.of(Map.of()).metrics()).isEqualTo(new MetricsConfig(9464));
        assertThat(BrokerConfig.of(Map.of()).metrics().enabled()).isTrue();
        assertThat(BrokerConfig.of(Map.of("metrics.port", "0")).metrics().enabled()).isFalse();
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("metrics.port", "-1")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("metrics.port");
    }
}
