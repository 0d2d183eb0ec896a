package io.surety.broker.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ClusterMetricsTest {

    private final BrokerMetrics metrics = BrokerMetrics.create();
    private final AtomicReference<List<ReplicationStats>> led = new AtomicReference<>(List.of());
    private final AtomicReference<ControllerStats> controller = new AtomicReference<>(ControllerStats.INACTIVE);

    @Test
    void shouldCountUnderReplicatedAndUnderMinIsrPartitionsAndLagPerFollowerWhenScraped() {
        metrics.clusterGauges(led::get, controller::get);
        led.set(List.of(
                new ReplicationStats("orders", 0, 3, 3, false, false,
                        List.of(new ReplicationStats.FollowerLag(2, 0), new ReplicationStats.FollowerLag(3, 4))),
                new ReplicationStats("orders", 1, 3, 2, true, false, List.of(new ReplicationStats.FollowerLag(1, 90))),
                new ReplicationStats("audit", 0, 3, 1, true, true, List.of())));

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.value("surety_under_replicated_partitions")).hasValue(2);
        assertThat(scrape.value("surety_under_min_isr_partitions")).hasValue(1);
        assertThat(scrape.value("surety_partition_isr_size", "topic", "orders", "partition", "1")).hasValue(2);
        assertThat(scrape.value("surety_partition_isr_size", "topic", "audit", "partition", "0")).hasValue(1);
        assertThat(scrape.value("surety_replica_lag", "topic", "orders", "partition", "0", "replica", "3")).hasValue(4);
        assertThat(scrape.value("surety_replica_lag", "topic", "orders", "partition", "1", "replica", "1")).hasValue(90);
        assertThat(scrape.value("surety_replica_max_lag")).hasValue(90);

        led.set(List.of());
        PrometheusText empty = PrometheusText.scrape(metrics.registry());
        assertThat(empty.value("surety_under_replicated_partitions")).hasValue(0);
        assertThat(empty.find("surety_replica_lag")).as("a partition no longer led leaves no series").isEmpty();
    }

    @Test
    void shouldCountIsrShrinksAndExpandsSeparately() {
        ClusterMetrics cluster = metrics.clusterGauges(led::get, controller::get);

        cluster.isrChanged(true, false);
        cluster.isrChanged(true, false);
        cluster.isrChanged(false, true);
        cluster.isrChanged(true, true);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());
        assertThat(scrape.value("surety_isr_shrinks_total")).hasValue(3);
        assertThat(scrape.value("surety_isr_expands_total")).hasValue(2);
    }

    @Test
    void shouldReportTheControllerOnlyWhereItIsActive() {
        ClusterMetrics cluster = metrics.clusterGauges(led::get, controller::get);
        PrometheusText inactive = PrometheusText.scrape(metrics.registry());
        assertThat(inactive.value("surety_controller_active")).hasValue(0);
        assertThat(inactive.value("surety_controller_offline_partitions")).hasValue(0);
        assertThat(inactive.value("surety_controller_fenced_brokers")).hasValue(0);

        controller.set(new ControllerStats(true, 3, 1));
        cluster.electionsCommitted(4, 1);
        cluster.electionsCommitted(0, 0);

        PrometheusText active = PrometheusText.scrape(metrics.registry());
        assertThat(active.value("surety_controller_active")).hasValue(1);
        assertThat(active.value("surety_controller_offline_partitions")).hasValue(3);
        assertThat(active.value("surety_controller_fenced_brokers")).hasValue(1);
        assertThat(active.value("surety_controller_leader_elections_total")).hasValue(4);
        assertThat(active.value("surety_controller_unclean_leader_elections_total")).hasValue(1);
    }

    @Test
    void shouldServeNoClusterSeriesWhenClusterGaugesAreNotAdded() {
        metrics.partitionGauges(List::of);

        PrometheusText scrape = PrometheusText.scrape(metrics.registry());

        assertThat(scrape.text()).doesNotContain("surety_controller_", "surety_isr_", "surety_replica_",
                "surety_under_", "surety_partition_isr_size");
    }
}
