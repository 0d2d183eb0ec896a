package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the in-process builder changes from {@code bin/surety start}'s Kafka defaults, and what it leaves alone. */
class InProcessDefaultsIT {

    @Test
    void shouldFormGroupsAtOnceAndKeepMetricsOffUnlessAsked() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().port(0).tempDataDir().start()) {
            assertThat(broker.config().groups().initialRebalanceDelayMs()).isZero();
            assertThat(broker.config().metrics().port()).isZero();
        }
        assertThat(BrokerConfig.of(Map.of()).groups().initialRebalanceDelayMs()).as("Kafka's default").isEqualTo(3_000);
    }

    @Test
    void shouldKeepWhatTheCallerSetOverTheBuildersDefaults() throws Exception {
        try (SuretyBroker broker = SuretyBroker.builder().port(0).tempDataDir()
                .config("group.initial.rebalance.delay.ms", "250").start()) {
            assertThat(broker.config().groups().initialRebalanceDelayMs()).isEqualTo(250);
        }
    }
}
