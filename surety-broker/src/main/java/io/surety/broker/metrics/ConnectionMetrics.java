package io.surety.broker.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * Client connections: {@code surety_connections_active}, {@code surety_connections_opened_total}
 * and {@code surety_connections_closed_total{by}} with {@code by} one of {@code client},
 * {@code broker} (a protocol violation, an oversized frame, a failed {@code acks=0} produce, or
 * shutdown) and {@code error} (a network error such as a reset). Also
 * {@code surety_requests_trailing_bytes_total{api}}: bytes a client sent after a request body,
 * which the connection ignores as Kafka does. And {@code surety_tls_handshake_failures_total{listener,
 * reason}}: connections to a TLS listener closed because TLS failed, {@code reason} {@code not_tls}
 * (plaintext on a TLS port) or {@code failed} (an untrusted or missing certificate, no common
 * protocol or cipher). Thread-safe, lock-free.
 */
public final class ConnectionMetrics {

    /** Who ended a connection. */
    public enum ClosedBy {
        CLIENT, BROKER, ERROR
    }

    private final Gauge active;
    private final CounterDataPoint opened;
    private final Map<ClosedBy, CounterDataPoint> closed = new EnumMap<>(ClosedBy.class);
    private final Counter trailingBytes;
    private final Counter tlsFailures;

    ConnectionMetrics(PrometheusRegistry registry) {
        active = Gauge.builder().name("surety_connections_active").help("Client connections open now")
                .withoutExemplars().register(registry);
        opened = Counter.builder().name("surety_connections_opened_total").help("Client connections accepted")
                .withoutExemplars().register(registry);
        Counter closedCounter = Counter.builder().name("surety_connections_closed_total")
                .help("Client connections closed, by who closed them (client, broker, error)")
                .labelNames("by").withoutExemplars().register(registry);
        for (ClosedBy by : ClosedBy.values()) {
            closed.put(by, closedCounter.labelValues(by.name().toLowerCase(Locale.ROOT)));
        }
        trailingBytes = Counter.builder().name("surety_requests_trailing_bytes_total")
                .help("Bytes left after a request body and ignored (as Kafka ignores them), by API")
                .labelNames("api").withoutExemplars().register(registry);
        tlsFailures = Counter.builder().name("surety_tls_handshake_failures_total")
                .help("Connections to a TLS listener closed because TLS failed, by listener and reason (not_tls, failed)")
                .labelNames("listener", "reason").withoutExemplars().register(registry);
    }

    /** A connection to TLS listener {@code listener} failed TLS: plaintext ({@code notTls}) or a failed handshake. Rare. */
    public void tlsFailed(String listener, boolean notTls) {
        tlsFailures.labelValues(listener, notTls ? "not_tls" : "failed").inc();
    }

    /** {@code bytes} were left after the body of a request of {@code api} and ignored. Rare: the child is looked up each time. */
    public void trailingBytes(ApiKeys api, int bytes) {
        trailingBytes.labelValues(api.name).inc(bytes);
    }

    public void opened() {
        opened.inc();
        active.inc();
    }

    public void closed(ClosedBy by) {
        closed.get(by).inc();
        active.dec();
    }
}
