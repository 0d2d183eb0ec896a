package io.surety.broker.config;

/**
 * The metrics settings. Immutable.
 *
 * @param port {@code metrics.port}: port of the HTTP listener serving /metrics, /health and /ready, on the
 *        host of the Kafka listener; 0 when that listener is off
 */
public record MetricsConfig(int port) {

    static MetricsConfig from(ParsedSettings values) {
        return new MetricsConfig(values.intValue(BrokerConfig.METRICS_PORT));
    }

    /** Whether the HTTP listener runs (the port is not 0). */
    public boolean enabled() {
        return port != 0;
    }
}
