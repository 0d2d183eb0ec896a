package io.surety.broker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class TopicsConfigTest {

    @Test
    void shouldUseKafkaDefaultsWhenNothingIsSet() {
        TopicsConfig topics = BrokerConfig.of(Map.of()).topics();
        assertThat(topics.numPartitions()).isEqualTo(1);
        assertThat(topics.defaultReplicationFactor()).isEqualTo((short) 1);
        assertThat(topics.autoCreateTopicsEnable()).isTrue();
        assertThat(topics.deleteTopicEnable()).isTrue();
    }

    @Test
    void shouldRefuseWhatOneNodeCannotDoNamingTheKey() {
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("default.replication.factor", "3")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("default.replication.factor");
        assertThatThrownBy(() -> BrokerConfig.of(Map.of("num.partitions", "0")))
                .isInstanceOf(ConfigException.class).hasMessageContaining("num.partitions");
    }
}
