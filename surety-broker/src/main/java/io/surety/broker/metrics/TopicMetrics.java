package io.surety.broker.metrics;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;

/**
 * Per-topic traffic: {@code surety_topic_bytes_in_total}, {@code surety_topic_records_in_total},
 * {@code surety_topic_batches_in_total} (accepted produce batches, as Kafka counts them:
 * a duplicate an idempotent producer resent counts again), {@code surety_topic_bytes_out_total}
 * (record bytes sent to consumers) and {@code surety_topic_fetch_requests_total} (fetch responses
 * that carried the topic). Thread-safe and lock-free once a topic has been seen.
 *
 * <p>Records out are not counted: the broker sends consumers whole batches straight from the
 * segment files and never decodes them, so the record count is not known without reading every
 * batch header again. Consumers report it ({@code records-consumed-total}); bytes out and fetch
 * requests are the broker's side.
 *
 * <p>Implementation notes: each topic's labelled children are looked up once and cached in a
 * {@link ConcurrentHashMap} by name; a produce costs one map read and three counter increments per
 * partition batch, never anything per record. {@link #remove} drops a deleted topic's series.
 */
public final class TopicMetrics {

    private final Counter bytesIn;
    private final Counter recordsIn;
    private final Counter batchesIn;
    private final Counter bytesOut;
    private final Counter fetchRequests;
    private final Map<String, TopicMeters> byName = new ConcurrentHashMap<>();

    TopicMetrics(PrometheusRegistry registry) {
        bytesIn = counter(registry, "surety_topic_bytes_in_total", "Record batch bytes accepted from producers");
        recordsIn = counter(registry, "surety_topic_records_in_total", "Records accepted from producers");
        batchesIn = counter(registry, "surety_topic_batches_in_total", "Record batches accepted from producers");
        bytesOut = counter(registry, "surety_topic_bytes_out_total", "Record bytes sent to consumers");
        fetchRequests = counter(registry, "surety_topic_fetch_requests_total", "Fetch responses that carried the topic");
    }

    private static Counter counter(PrometheusRegistry registry, String name, String help) {
        return Counter.builder().name(name).help(help).labelNames("topic").withoutExemplars().register(registry);
    }

    /** One produced batch of {@code records} records ({@code bytes} bytes) accepted into {@code topic}. */
    public void appended(String topic, int bytes, int records) {
        TopicMeters meters = meters(topic);
        meters.bytesIn.inc(bytes);
        meters.recordsIn.inc(records);
        meters.batchesIn.inc();
    }

    /**
     * One fetch response about to be sent: adds its record bytes per topic. Topics named only by id
     * (Fetch v13+) are named by {@code nameOfId}, which returns null for unknown ids (skipped).
     */
    public void fetched(FetchResponseData response, Function<Uuid, String> nameOfId) {
        for (FetchResponseData.FetchableTopicResponse topic : response.responses()) {
            String name = topic.topic() == null || topic.topic().isEmpty() ? nameOfId.apply(topic.topicId()) : topic.topic();
            if (name == null) {
                continue;
            }
            long bytes = 0;
            boolean known = false;
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                known |= partition.errorCode() == 0;
                bytes += partition.records() == null ? 0 : partition.records().sizeInBytes();
            }
            if (known) {
                TopicMeters meters = meters(name);
                meters.fetchRequests.inc();
                if (bytes > 0) {
                    meters.bytesOut.inc(bytes);
                }
            }
        }
    }

    /** Drops the series of a deleted topic. */
    public void remove(String topic) {
        byName.remove(topic);
        bytesIn.remove(topic);
        recordsIn.remove(topic);
        batchesIn.remove(topic);
        bytesOut.remove(topic);
        fetchRequests.remove(topic);
    }

    private TopicMeters meters(String topic) {
        TopicMeters meters = byName.get(topic);
        return meters != null ? meters : byName.computeIfAbsent(topic, this::newMeters);
    }

    private TopicMeters newMeters(String topic) {
        return new TopicMeters(bytesIn.labelValues(topic), recordsIn.labelValues(topic), batchesIn.labelValues(topic),
                bytesOut.labelValues(topic), fetchRequests.labelValues(topic));
    }

    private record TopicMeters(CounterDataPoint bytesIn, CounterDataPoint recordsIn, CounterDataPoint batchesIn,
            CounterDataPoint bytesOut, CounterDataPoint fetchRequests) {
    }
}
