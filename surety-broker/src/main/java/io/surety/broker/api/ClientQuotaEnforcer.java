package io.surety.broker.api;

import io.surety.broker.metrics.RequestMetrics;
import io.surety.broker.security.ClientQuotas;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Quota;
import org.apache.kafka.common.metrics.QuotaViolationException;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.Rate;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.server.quota.QuotaUtils;

/**
 * Client byte-rate quotas as Kafka enforces them (KIP-13, KIP-219): the bytes of each produce
 * request and of each consumer fetch answer are recorded against the quota entity the connection's
 * user and client id resolve to ({@link ClientQuotas#bound}), in a rate over 11 one-second windows
 * (Kafka's {@code quota.window.num} and {@code quota.window.size.seconds}); past the bound, the
 * answer carries the throttle time Kafka computes ({@code (rate - bound) / bound * window}) and the
 * connection reads nothing more for that long. A producer over its quota is slowed, never failed.
 *
 * <p>Each throttled answer is counted by quota key, user and client id
 * ({@code surety_client_quota_throttled_total}, {@code surety_client_quota_throttle_seconds_total}).
 * Without any quota this costs one volatile read per produce and fetch. Thread-safe: Kafka's
 * sensors lock per sensor.
 */
final class ClientQuotaEnforcer {

    static final String PRODUCER_BYTE_RATE = "producer_byte_rate";
    static final String CONSUMER_BYTE_RATE = "consumer_byte_rate";
    private static final int SAMPLES = 11;
    private static final long WINDOW_MS = 1000;
    private static final long SENSOR_EXPIRY_SECONDS = 3600;

    private final ClientQuotas quotas;
    private final RequestMetrics counters;
    private final Metrics metrics = new Metrics(Time.SYSTEM);
    private final Map<String, Sensor> sensors = new ConcurrentHashMap<>();

    ClientQuotaEnforcer(ClientQuotas quotas, RequestMetrics counters) {
        this.quotas = quotas;
        this.counters = counters;
    }

    /** Whether any quota is set: without one, answers need not pass through {@link #apply}. */
    boolean active() {
        return !quotas.isEmpty();
    }

    /**
     * {@code response} with the throttle time its request earned, for a produce or a consumer's
     * fetch; any other response as it is.
     */
    ApiResponse apply(ApiRequest request, ApiResponse response) {
        if (quotas.isEmpty() || !(response instanceof ApiResponse.Send send)) {
            return response;
        }
        ApiKeys api = request.header().apiKey();
        if (api == ApiKeys.PRODUCE && send.body() instanceof ProduceResponseData produce) {
            int throttleMs = record(PRODUCER_BYTE_RATE, request, request::sizeInBytes);
            if (throttleMs > 0) {
                produce.setThrottleTimeMs(Math.max(produce.throttleTimeMs(), throttleMs));
                return new ApiResponse.Send(produce, throttleMs);
            }
        } else if (api == ApiKeys.FETCH && send.body() instanceof FetchResponseData fetch && fromConsumer(request)) {
            int throttleMs = record(CONSUMER_BYTE_RATE, request,
                    () -> fetch.size(new ObjectSerializationCache(), request.version()));
            if (throttleMs > 0) {
                fetch.setThrottleTimeMs(Math.max(fetch.throttleTimeMs(), throttleMs));
                return new ApiResponse.Send(fetch, throttleMs);
            }
        }
        return response;
    }

    private static boolean fromConsumer(ApiRequest request) {
        FetchRequestData data = ((FetchRequest) request.body()).data();
        return data.replicaId() < 0 && (data.replicaState() == null || data.replicaState().replicaId() < 0);
    }

    /**
     * Records {@code bytes} against the request's quota of {@code key}; the throttle time it earned,
     * 0 within it. The bytes are counted only when the connection has such a quota.
     */
    private int record(String key, ApiRequest request, LongSupplier bytes) {
        String user = request.principal().getName();
        String clientId = request.header().clientId();
        Optional<ClientQuotas.Bound> bound = quotas.bound(key, user, clientId);
        if (bound.isEmpty()) {
            return 0;
        }
        ClientQuotas.Bound quota = bound.get();
        Sensor sensor = sensors.computeIfAbsent(key + "/" + quota.user() + "/" + quota.clientId() + "/" + quota.value(),
                name -> newSensor(name, key, quota));
        long nowMs = System.currentTimeMillis();
        try {
            sensor.record(bytes.getAsLong(), nowMs);
            return 0;
        } catch (QuotaViolationException e) {
            int throttleMs = (int) Math.min(Integer.MAX_VALUE, QuotaUtils.throttleTime(e, nowMs));
            counters.throttled(key, quota.user(), quota.clientId(), throttleMs);
            return throttleMs;
        }
    }

    private Sensor newSensor(String name, String key, ClientQuotas.Bound quota) {
        MetricConfig config = new MetricConfig().quota(Quota.upperBound(quota.value())).samples(SAMPLES)
                .timeWindow(WINDOW_MS, java.util.concurrent.TimeUnit.MILLISECONDS);
        Sensor sensor = metrics.sensor(name, config, SENSOR_EXPIRY_SECONDS);
        sensor.add(metrics.metricName(key, "surety-client-quotas", Map.of("user", quota.user(), "client-id",
                quota.clientId(), "bound", Double.toString(quota.value()))), new Rate());
        return sensor;
    }
}
