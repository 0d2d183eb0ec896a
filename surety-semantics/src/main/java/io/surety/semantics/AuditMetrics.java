package io.surety.semantics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.ToLongFunction;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;

/**
 * Publishes a {@link DeliveryAudit}'s totals as Kafka client metrics, in group
 * {@value #GROUP}: {@code records-audited-total}, {@code duplicates-total},
 * {@code reordered-total}, {@code estimated-lost-total}, {@code unstamped-total} and
 * {@code malformed-total}.
 *
 * <pre>{@code
 * Metrics metrics = new Metrics();
 * metrics.addReporter(new JmxReporter());
 * AuditMetrics.register(audit, metrics, Map.of("client-id", clientId));
 * }</pre>
 *
 * <p>Implementation notes: kafka-clients gives no public way to add metrics to a consumer's own
 * registry ({@code Consumer.metrics()} is read-only), so the gauges go into a
 * {@link Metrics} registry the application owns; with a {@code JmxReporter} they appear in JMX
 * next to the client's. From kafka-clients 4.0 on, each one can also be pushed with the client's
 * telemetry: {@code consumer.registerMetricForSubscription(metrics.metric(name))}. That method
 * does not exist in 3.9, so it is left to the caller. The gauges read only
 * {@link DeliveryAudit#totals()}, which is safe from the reporter's thread.
 */
public final class AuditMetrics {

    public static final String GROUP = "surety-delivery-audit";

    private AuditMetrics() {
    }

    /**
     * Adds the audit's gauges to {@code metrics} with {@code tags} on each, and returns their names
     * (for {@link Metrics#removeMetric(MetricName)}).
     *
     * @throws IllegalArgumentException if a metric of the same name and tags is already registered
     */
    public static List<MetricName> register(DeliveryAudit audit, Metrics metrics, Map<String, String> tags) {
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(tags, "tags");
        List<MetricName> names = new ArrayList<>();
        add(metrics, tags, names, "records-audited-total", "Stamped records read, duplicates included",
                audit, AuditTotals::received);
        add(metrics, tags, names, "duplicates-total", "Records whose source and sequence had been read before",
                audit, AuditTotals::duplicates);
        add(metrics, tags, names, "reordered-total",
                "Records read after a higher sequence of their source in the same partition", audit, AuditTotals::reordered);
        add(metrics, tags, names, "estimated-lost-total",
                "Sequences not read between each source's first expected and highest read", audit, AuditTotals::missing);
        add(metrics, tags, names, "unstamped-total", "Records without audit headers", audit, AuditTotals::unstamped);
        add(metrics, tags, names, "malformed-total", "Records with unreadable audit headers", audit, AuditTotals::malformed);
        return List.copyOf(names);
    }

    private static void add(Metrics metrics, Map<String, String> tags, List<MetricName> names, String name,
            String description, DeliveryAudit audit, ToLongFunction<AuditTotals> figure) {
        MetricName metricName = metrics.metricName(name, GROUP, description, tags);
        Gauge<Long> gauge = (config, nowMs) -> figure.applyAsLong(audit.totals());
        metrics.addMetric(metricName, gauge);
        names.add(metricName);
    }
}
