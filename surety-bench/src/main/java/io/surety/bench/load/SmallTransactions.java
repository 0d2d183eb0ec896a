package io.surety.bench.load;

import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Load generator for small transactions, which Kafka's perf tools cannot make: {@code transactions}
 * transactions of {@code recordsPerTransaction} records each, committed back to back, timing each
 * {@code commitTransaction()} (which also sends what is still batched, as a user waits for it).
 * Prints one summary line, read by the benchmark:
 * <pre>SMALL-TXN transactions=… records=… seconds=… records_per_sec=… mb_per_sec=… commit_p50_ms=… commit_p99_ms=… commit_p999_ms=…</pre>
 *
 * <p>Arguments: bootstrap servers, topic, transactions, records per transaction, record size,
 * transactional id.
 */
public final class SmallTransactions {

    private SmallTransactions() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        int transactions = Integer.parseInt(args[2]);
        int recordsPerTransaction = Integer.parseInt(args[3]);
        byte[] value = new byte[Integer.parseInt(args[4])];
        Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "transactional.id", args[5],
                "acks", "all", "enable.idempotence", true, "linger.ms", 5, "batch.size", 65536);
        long[] commitNanos = new long[transactions];
        long startNs;
        long endNs;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.initTransactions();
            startNs = System.nanoTime();
            for (int t = 0; t < transactions; t++) {
                producer.beginTransaction();
                Future<RecordMetadata> last = null;
                for (int r = 0; r < recordsPerTransaction; r++) {
                    last = producer.send(new ProducerRecord<>(topic, value));
                }
                long commitStartNs = System.nanoTime();
                producer.commitTransaction();
                commitNanos[t] = System.nanoTime() - commitStartNs;
                if (last != null) {
                    last.get();
                }
            }
            endNs = System.nanoTime();
            producer.close(Duration.ofSeconds(10));
        }
        double seconds = (endNs - startNs) / 1e9;
        long records = (long) transactions * recordsPerTransaction;
        Arrays.sort(commitNanos);
        System.out.printf(java.util.Locale.ROOT, "SMALL-TXN transactions=%d records=%d seconds=%.3f records_per_sec=%.1f "
                        + "mb_per_sec=%.3f commit_p50_ms=%.2f commit_p99_ms=%.2f commit_p999_ms=%.2f%n",
                transactions, records, seconds, records / seconds, records * value.length / seconds / (1024 * 1024),
                percentileMs(commitNanos, 0.50), percentileMs(commitNanos, 0.99), percentileMs(commitNanos, 0.999));
    }

    /** The value at quantile {@code q} of sorted nanoseconds, in milliseconds (nearest rank). */
    static double percentileMs(long[] sortedNanos, double q) {
        if (sortedNanos.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(q * sortedNanos.length) - 1;
        return sortedNanos[Math.max(0, Math.min(sortedNanos.length - 1, index))] / 1e6;
    }
}
