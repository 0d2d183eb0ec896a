package io.surety.broker.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

/**
 * Per-API request series: {@code surety_requests_total{api}},
 * {@code surety_request_errors_total{api,error}} and the
 * {@code surety_request_latency_seconds{api}} histogram. Thread-safe and lock-free on the request
 * path.
 *
 * <p>Latency is measured from the start of handling to the moment the response is ready, so it
 * includes waiting for an fsync (produce) and for data (a fetch long-poll, up to
 * {@code fetch.max.wait.ms}), as Kafka's {@code TotalTimeMs} does; it leaves out queueing behind
 * the same connection's earlier requests and the network write.
 *
 * <p>Errors are the codes inside the response body: one per top-level error and one per
 * partition (or member, group, topic) that carries one. A request answered by closing the
 * connection (a failed {@code acks=0} produce) counts once as {@code NETWORK_EXCEPTION}, which is
 * what the client sees.
 *
 * <p>Implementation notes: the labelled children of each API are looked up once and kept in an
 * array indexed by {@link ApiKeys#ordinal()}; error children likewise by {@link Errors#ordinal()},
 * created on first use. A request costs two counter increments at most, one histogram
 * observation and, for Produce and Fetch, one loop over the response's partitions.
 */
public final class RequestMetrics {

    private static final double[] LATENCY_BUCKETS_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30};

    private final Counter requests;
    private final Counter errors;
    private final Histogram latency;
    private final Counter denied;
    private final Counter throttled;
    private final Counter throttleSeconds;
    private final AtomicReferenceArray<ApiMeters> byApi = new AtomicReferenceArray<>(ApiKeys.values().length);

    RequestMetrics(PrometheusRegistry registry) {
        requests = Counter.builder().name("surety_requests_total").help("Requests handled, by API")
                .labelNames("api").withoutExemplars().register(registry);
        errors = Counter.builder().name("surety_request_errors_total")
                .help("Error codes in responses, by API and error (one per top-level or per-partition error)")
                .labelNames("api", "error").withoutExemplars().register(registry);
        latency = Histogram.builder().name("surety_request_latency_seconds").unit(Unit.SECONDS)
                .help("Time from the start of handling a request to its response being ready, by API")
                .labelNames("api").classicOnly().classicUpperBounds(LATENCY_BUCKETS_SECONDS).withoutExemplars()
                .register(registry);
        throttled = Counter.builder().name("surety_client_quota_throttled_total")
                .help("Answers throttled for a client over its quota, by quota key and the quota entity's user and client id")
                .labelNames("quota", "user", "client_id").withoutExemplars().register(registry);
        throttleSeconds = Counter.builder().name("surety_client_quota_throttle_seconds_total")
                .help("Throttle time given to clients over their quota, by quota key, user and client id")
                .labelNames("quota", "user", "client_id").withoutExemplars().register(registry);
        denied = Counter.builder().name("surety_authorization_denied_total")
                .help("Requests the authorizer refused, whole or for some of the resources they name, by API")
                .labelNames("api").withoutExemplars().register(registry);
    }

    /**
     * One answer throttled for {@code throttleMs} because the quota {@code quota} of the entity of
     * {@code user} and {@code clientId} ("" for a part the entity does not have) was exceeded. Only
     * clients over a quota get here; the child is looked up each time.
     */
    public void throttled(String quota, String user, String clientId, int throttleMs) {
        throttled.labelValues(quota, user, clientId).inc();
        throttleSeconds.labelValues(quota, user, clientId).inc(throttleMs / 1000.0);
    }

    /**
     * One request of {@code api} refused by the authorizer, whole or in part. Only with an authorizer,
     * and a denial is rare: the child is looked up each time.
     */
    public void denied(ApiKeys api) {
        denied.labelValues(api.name).inc();
    }

    /** Creates the series of {@code apis} at zero, so rates start from the first scrape. */
    public void serve(Collection<ApiKeys> apis) {
        apis.forEach(this::meters);
    }

    /**
     * One request answered with {@code body} (encoded at {@code version}): counts it, its latency
     * and the errors the body carries. Returns the first error found, or {@link Errors#NONE}.
     */
    public Errors answered(ApiKeys api, short version, ApiMessage body, long latencyNs) {
        ApiMeters meters = meters(api);
        meters.count(latencyNs);
        return ResponseErrors.count(api, body, version, meters);
    }

    /** One request that needs no answer (produce with {@code acks=0}). */
    public void unanswered(ApiKeys api, long latencyNs) {
        meters(api).count(latencyNs);
    }

    /** One request answered by closing the connection; counted as the NETWORK_EXCEPTION the client sees. */
    public void closed(ApiKeys api, long latencyNs) {
        ApiMeters meters = meters(api);
        meters.count(latencyNs);
        meters.error(Errors.NETWORK_EXCEPTION, 1);
    }

    private ApiMeters meters(ApiKeys api) {
        ApiMeters meters = byApi.get(api.ordinal());
        if (meters == null) {
            meters = new ApiMeters(api.name, requests.labelValues(api.name), latency.labelValues(api.name));
            if (!byApi.compareAndSet(api.ordinal(), null, meters)) {
                meters = byApi.get(api.ordinal());
            }
        }
        return meters;
    }

    /** The resolved children of one API. */
    private final class ApiMeters implements ResponseErrors.Sink {
        private final String api;
        private final CounterDataPoint requestCount;
        private final DistributionDataPoint latencySeconds;
        private final AtomicReferenceArray<CounterDataPoint> errorCounts =
                new AtomicReferenceArray<>(Errors.values().length);

        ApiMeters(String api, CounterDataPoint requestCount, DistributionDataPoint latencySeconds) {
            this.api = api;
            this.requestCount = requestCount;
            this.latencySeconds = latencySeconds;
        }

        void count(long latencyNs) {
            requestCount.inc();
            latencySeconds.observe(Unit.nanosToSeconds(latencyNs));
        }

        @Override
        public void error(Errors error, int count) {
            CounterDataPoint child = errorCounts.get(error.ordinal());
            if (child == null) {
                // Labelled children are shared by label values, so a racing creator gets the same one.
                child = errors.labelValues(api, error.name());
                errorCounts.set(error.ordinal(), child);
            }
            child.inc(count);
        }
    }
}
