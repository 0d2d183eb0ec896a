package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.Collection;
import java.util.function.Supplier;

/**
 * The series of a cluster node, registered only in cluster mode (a single node has none of them).
 * Each help text names the Kafka metric it corresponds to, so dashboards and alerts written for
 * Kafka map one to one:
 *
 * <ul>
 *   <li>replication of the partitions this node leads, computed at scrape time:
 *       {@code surety_under_replicated_partitions} ({@code UnderReplicatedPartitions}),
 *       {@code surety_under_min_isr_partitions} ({@code UnderMinIsrPartitionCount}),
 *       {@code surety_partition_isr_size}, {@code surety_replica_lag} per follower and
 *       {@code surety_replica_max_lag} (the replica fetcher's {@code MaxLag}, seen from the leader);</li>
 *   <li>ISR changes this node's leaders proposed and the controller committed:
 *       {@code surety_isr_shrinks_total} ({@code IsrShrinksPerSec}),
 *       {@code surety_isr_expands_total} ({@code IsrExpandsPerSec});</li>
 *   <li>the controller, meaningful on the active one only (0 elsewhere):
 *       {@code surety_controller_active} ({@code ActiveControllerCount}),
 *       {@code surety_controller_offline_partitions} ({@code OfflinePartitionsCount}),
 *       {@code surety_controller_fenced_brokers} ({@code FencedBrokerCount}), and the elections it
 *       committed, {@code surety_controller_leader_elections_total} (the rate of
 *       {@code LeaderElectionRateAndTimeMs}) and {@code surety_controller_unclean_leader_elections_total}
 *       ({@code UncleanLeaderElectionsPerSec}).</li>
 * </ul>
 *
 * <p>Thread-safety: the counting methods from any thread (lock-free adders); the suppliers are
 * called on the scrape thread.
 *
 * <p>Implementation notes: follower lag is one series per follower of each led partition, labelled
 * {@code topic}, {@code partition}, {@code replica}. That is at most (replication factor - 1)
 * series per led partition, the same order as the per-partition series every broker already serves,
 * and it names the slow broker, which a per-partition maximum would hide. The node-wide
 * {@code surety_replica_max_lag} is the single series to alert on.
 */
public final class ClusterMetrics {

    private final Counter isrShrinks;
    private final Counter isrExpands;
    private final Counter leaderElections;
    private final Counter uncleanElections;

    ClusterMetrics(PrometheusRegistry registry, Supplier<? extends Collection<ReplicationStats>> ledPartitions,
                   Supplier<ControllerStats> controller) {
        isrShrinks = counter(registry, "surety_isr_shrinks_total",
                "ISR shrinks this node's leaders proposed and the controller committed (Kafka's IsrShrinksPerSec)");
        isrExpands = counter(registry, "surety_isr_expands_total",
                "ISR expands this node's leaders proposed and the controller committed (Kafka's IsrExpandsPerSec)");
        leaderElections = counter(registry, "surety_controller_leader_elections_total",
                "Leader changes this node committed as the active controller (the rate of Kafka's "
                        + "LeaderElectionRateAndTimeMs)");
        uncleanElections = counter(registry, "surety_controller_unclean_leader_elections_total",
                "Leaders this node elected from outside the ISR as the active controller (Kafka's "
                        + "UncleanLeaderElectionsPerSec)");
        registry.register((MultiCollector) () -> replicationSnapshots(ledPartitions.get()));
        registry.register((MultiCollector) () -> controllerSnapshots(controller.get()));
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help) {
        return Counter.builder().name(name).help(help).withoutExemplars().register(registry);
    }

    /** A leader's ISR change committed: counts a shrink when it removed members, an expand when it added some. */
    public void isrChanged(boolean shrunk, boolean expanded) {
        if (shrunk) {
            isrShrinks.inc();
        }
        if (expanded) {
            isrExpands.inc();
        }
    }

    /** The active controller committed {@code elections} leader changes, {@code unclean} of them unclean. */
    public void electionsCommitted(int elections, int unclean) {
        if (elections > 0) {
            leaderElections.inc(elections);
        }
        if (unclean > 0) {
            uncleanElections.inc(unclean);
        }
    }

    static MetricSnapshots replicationSnapshots(Collection<ReplicationStats> partitions) {
        GaugeSnapshot.Builder isrSize = gauge("surety_partition_isr_size",
                "In-sync replicas of a partition this node leads, the leader included");
        GaugeSnapshot.Builder lag = gauge("surety_replica_lag",
                "Offsets a follower lacks: the leader's log end minus the follower's last fetch offset, per partition "
                        + "this node leads");
        long underReplicated = 0;
        long underMinIsr = 0;
        long maxLag = 0;
        for (ReplicationStats p : partitions) {
            String partition = Integer.toString(p.partition());
            isrSize.dataPoint(point(Labels.of("topic", p.topic(), "partition", partition), p.isrSize()));
            for (ReplicationStats.FollowerLag follower : p.followerLags()) {
                lag.dataPoint(point(Labels.of("topic", p.topic(), "partition", partition, "replica",
                        Integer.toString(follower.replica())), follower.lag()));
                maxLag = Math.max(maxLag, follower.lag());
            }
            underReplicated += p.underReplicated() ? 1 : 0;
            underMinIsr += p.underMinIsr() ? 1 : 0;
        }
        return MetricSnapshots.of(isrSize.build(), lag.build(),
                single("surety_under_replicated_partitions",
                        "Partitions this node leads whose ISR is smaller than their replicas (Kafka's "
                                + "UnderReplicatedPartitions)", underReplicated),
                single("surety_under_min_isr_partitions",
                        "Partitions this node leads whose ISR is below min.insync.replicas: acks=all is refused "
                                + "(Kafka's UnderMinIsrPartitionCount)", underMinIsr),
                single("surety_replica_max_lag",
                        "The largest surety_replica_lag of any follower of a partition this node leads (Kafka's "
                                + "replica fetcher MaxLag, seen from the leader)", maxLag));
    }

    static MetricSnapshots controllerSnapshots(ControllerStats controller) {
        return MetricSnapshots.of(
                single("surety_controller_active",
                        "1 on the node that runs the controller (leads the metadata quorum), 0 elsewhere (Kafka's "
                                + "ActiveControllerCount)", controller.active() ? 1 : 0),
                single("surety_controller_offline_partitions",
                        "Partitions without a leader in the committed metadata, on the active controller; 0 elsewhere "
                                + "(Kafka's OfflinePartitionsCount)", controller.offlinePartitions()),
                single("surety_controller_fenced_brokers",
                        "Registered brokers the controller has fenced, on the active controller; 0 elsewhere (Kafka's "
                                + "FencedBrokerCount)", controller.fencedBrokers()));
    }

    private static GaugeSnapshot single(String name, String help, double value) {
        return gauge(name, help).dataPoint(point(Labels.EMPTY, value)).build();
    }

    private static GaugeSnapshot.Builder gauge(String name, String help) {
        return GaugeSnapshot.builder().name(name).help(help);
    }

    private static GaugeDataPointSnapshot point(Labels labels, double value) {
        return GaugeDataPointSnapshot.builder().labels(labels).value(value).build();
    }
}
