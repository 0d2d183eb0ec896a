package io.surety.broker.metrics;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Transactions: {@code surety_transactions_open} and {@code surety_transactions_aborted_total},
 * plus the one INFO log line per aborted transaction (logger {@code io.surety.broker.transactions}).
 * Until the transaction coordinator exists nothing calls {@link #aborted} and the open count is 0;
 * the coordinator reports through {@link #openTransactions} and {@link #aborted}. Thread-safe.
 */
public final class TransactionMetrics {

    private static final Logger LOG = LoggerFactory.getLogger("io.surety.broker.transactions");

    private final Counter aborted;
    private volatile LongSupplier open = () -> 0;

    TransactionMetrics(PrometheusRegistry registry) {
        GaugeWithCallback.builder().name("surety_transactions_open")
                .help("Transactions begun and not yet committed or aborted")
                .callback(callback -> callback.call(open.getAsLong())).register(registry);
        aborted = Counter.builder().name("surety_transactions_aborted_total")
                .help("Transactions aborted, by the producer or by the coordinator (timeout, fencing)")
                .withoutExemplars().register(registry);
    }

    /** Where the open-transaction count comes from (read at each scrape, on the scrape thread). */
    public void openTransactions(LongSupplier count) {
        this.open = count;
    }

    /** One transaction aborted: counts it and logs one line saying whose and why. */
    public void aborted(String transactionalId, long producerId, short producerEpoch, String reason) {
        aborted.inc();
        LOG.info("Aborted transaction of {} (producer id {}, epoch {}): {}", transactionalId, producerId, producerEpoch,
                reason);
    }
}
