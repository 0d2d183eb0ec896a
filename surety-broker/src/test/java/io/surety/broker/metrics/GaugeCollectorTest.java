package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GaugeCollectorTest {

    private final BrokerMetrics metrics = BrokerMetrics.create();

    @Test
    void shouldReportEachPartitionAndSumProducerIdsAndOfflinePartitionsWhenScraped() {
        metrics.partitionGauges(() -> List.of(
                new PartitionStats("orders", 0, 5, 120, 100, 4096, 2, false),
                new PartitionStats("orders", 1, 0, 7, 7, 512, 1, true)));

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_partition_log_end_offset", "topic", "orders", "partition", "0")).hasValue(120);
        assertThat(scrape.value("surety_partition_high_watermark", "topic", "orders", "partition", "0")).hasValue(100);
        assertThat(scrape.value("surety_partition_log_start_offset", "topic", "orders", "partition", "0")).hasValue(5);
        assertThat(scrape.value("surety_partition_log_size_bytes", "topic", "orders", "partition", "1")).hasValue(512);
        assertThat(scrape.value("surety_producer_ids")).hasValue(3);
        assertThat(scrape.value("surety_offline_partitions")).hasValue(1);
    }

    @Test
    void shouldReportLagPerGroupAndPartitionAndMembersPerGroupWhenScraped() {
        metrics.groupGauges(() -> new GroupStats(
                List.of(new GroupStats.Lag("billing", "orders", 0, 90, 30), new GroupStats.Lag("billing", "orders", 1, 7, 0)),
                Map.of("billing", 2, "idle", 0)));

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_group_lag", "group", "billing", "topic", "orders", "partition", "0")).hasValue(30);
        assertThat(scrape.sum("surety_group_lag", "group", "billing")).isEqualTo(30);
        assertThat(scrape.value("surety_group_members", "group", "billing")).hasValue(2);
        assertThat(scrape.value("surety_group_members", "group", "idle")).hasValue(0);
    }

    @Test
    void shouldReportZeroOpenTransactionsUntilTheCoordinatorGivesItsCount() {
        assertThat(PrometheusText.scrape(metrics.registry()).value("surety_transactions_open")).hasValue(0);

        metrics.transactions().openTransactions(() -> 4);
        metrics.transactions().aborted("tx-1", 17, (short) 3, "transaction.timeout.ms passed");

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());
        assertThat(scrape.value("surety_transactions_open")).hasValue(4);
        assertThat(scrape.value("surety_transactions_aborted_total")).hasValue(1);
    }
}
