package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Info;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Collection;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Every metric of one broker, in its own {@link PrometheusRegistry} (never the JVM-wide default,
 * so several brokers in one JVM keep their figures apart). The request path reports through the
 * parts ({@link #requests()}, {@link #topics()}, ...); state the broker already keeps (partitions,
 * groups) is read at scrape time through the suppliers given to {@link #partitionGauges} and
 * {@link #groupGauges}. Thread-safe.
 *
 * <p>The series, their labels and what each means are listed in {@code docs/observability.md}.
 */
public final class BrokerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestMetrics requests = new RequestMetrics(registry);
    private final TopicMetrics topics = new TopicMetrics(registry);
    private final ConnectionMetrics connections = new ConnectionMetrics(registry);
    private final FsyncMetrics fsync = new FsyncMetrics(registry);
    private final TransactionMetrics transactions = new TransactionMetrics(registry);
    private final AuthenticationMetrics authentications = new AuthenticationMetrics(registry);

    private BrokerMetrics() {
    }

    /** The broker's own metrics, without the JVM's. */
    public static BrokerMetrics create() {
        return new BrokerMetrics();
    }

    /**
     * Adds the JVM and process series (memory, GC, threads, classes, CPU): {@code jvm_*},
     * {@code process_*}. They describe the JVM, not the broker, so every broker in a JVM serves the
     * same ones from one shared registry: the JVM collectors install GC listeners that live as long
     * as the JVM, and must be installed once, not once per broker.
     */
    public BrokerMetrics withJvmMetrics() {
        registry.register((MultiCollector) () -> JvmSeries.REGISTRY.scrape());
        return this;
    }

    /** The JVM-wide series, created on first use. */
    private static final class JvmSeries {
        static final PrometheusRegistry REGISTRY = new PrometheusRegistry();

        static {
            JvmMetrics.builder().register(REGISTRY);
        }
    }

    /** Reports {@code surety_build_info{version, commit} 1}: which build this broker runs. */
    public void buildInfo(String version, String commit) {
        Info.builder().name("surety_build_info").help("The Surety build this broker runs: its version and git commit")
                .labelNames("version", "commit").register(registry).setLabelValues(version, commit);
    }

    /**
     * Reports {@code surety_broker_ready} (1 when {@code /ready} answers 200, else 0) and
     * {@code surety_data_directory_unknown_entries} from {@code health}, asked at each scrape.
     */
    public void health(Supplier<BrokerHealth> health) {
        GaugeWithCallback.builder().name("surety_broker_ready")
                .help("1 once log recovery is done and the Kafka listener accepts clients (a cluster node: and has joined "
                        + "the cluster), 0 before and while stopping")
                .callback(callback -> callback.call(health.get().started() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("surety_data_directory_unknown_entries")
                .help("Entries of the data directory that belong to no topic or file Surety knows (kept, never deleted)")
                .callback(callback -> callback.call(health.get().unknownEntries().size())).register(registry);
    }

    /** Reports partitions at each scrape from {@code partitions} (called on the scrape thread). */
    public void partitionGauges(Supplier<? extends Collection<PartitionStats>> partitions) {
        registry.register(GaugeCollector.partitions(partitions));
    }

    /** Reports consumer groups at each scrape from {@code groups} (called on the scrape thread). */
    public void groupGauges(Supplier<GroupStats> groups) {
        registry.register(GaugeCollector.groups(groups));
    }

    /**
     * Reports the log cleaner at each scrape from {@code stats} (its counters: {@code passes},
     * {@code bytesRemoved}, {@code uncleanable}; called on the scrape thread).
     */
    public void cleanerGauges(Supplier<Map<String, Long>> stats) {
        CleanerMetrics.register(registry, stats);
    }

    /**
     * Adds the series of a cluster node ({@link ClusterMetrics}): replication of the partitions it
     * leads, read from {@code ledPartitions} at each scrape, and the controller, from
     * {@code controller}. Called once, in cluster mode only.
     */
    public ClusterMetrics clusterGauges(Supplier<? extends Collection<ReplicationStats>> ledPartitions,
                                        Supplier<ControllerStats> controller) {
        return new ClusterMetrics(registry, ledPartitions, controller);
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    public RequestMetrics requests() {
        return requests;
    }

    public TopicMetrics topics() {
        return topics;
    }

    public ConnectionMetrics connections() {
        return connections;
    }

    public FsyncMetrics fsync() {
        return fsync;
    }

    public TransactionMetrics transactions() {
        return transactions;
    }

    public AuthenticationMetrics authentications() {
        return authentications;
    }
}
