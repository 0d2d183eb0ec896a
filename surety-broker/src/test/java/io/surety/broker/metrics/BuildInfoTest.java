package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BuildInfoTest {

    @Test
    void shouldServeTheBuildsVersionAndCommitAsOneSeries() {
        BrokerMetrics metrics = BrokerMetrics.create();
        metrics.buildInfo("1.2.3", "0123456789");

        PrometheusText scraped = PrometheusText.scrape(metrics.registry());
        assertThat(scraped.value("surety_build_info", "version", "1.2.3", "commit", "0123456789")).hasValue(1);
        assertThat(scraped.find("surety_build_info")).hasSize(1);
    }
}
