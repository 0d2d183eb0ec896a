package io.surety.compat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Produces to every partition of a topic at a steady rate on its own thread until stopped, so
 * that records keep arriving while a group changes hands. Records are spread round-robin over the
 * partitions; values are {@code <prefix>-<n>}, unique within a run. A value counts as produced
 * once its acknowledgement (acks=all) has arrived.
 *
 * <p>Thread-safe: the accessors may be read from any thread.
 */
final class PacedProducer implements AutoCloseable {

    private static final long STOP_TIMEOUT_MS = 60_000;

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final String prefix;
    private final int partitions;
    private final long intervalNs;
    private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final Thread thread;

    /** Starts producing {@code recordsPerSecond} records a second to {@code topic}. */
    PacedProducer(String bootstrapServers, String topic, int partitions, String prefix, int recordsPerSecond) {
        this.producer = Clients.producer(bootstrapServers,
                Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true));
        this.topic = topic;
        this.prefix = prefix;
        this.partitions = partitions;
        this.intervalNs = TimeUnit.SECONDS.toNanos(1) / recordsPerSecond;
        this.thread = new Thread(this::loop, "paced-producer-" + prefix);
        thread.start();
    }

    private void loop() {
        long nextNs = System.nanoTime();
        for (long n = 0; running.get(); n++) {
            String value = prefix + "-" + n;
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            producer.send(new ProducerRecord<>(topic, (int) (n % partitions), bytes, bytes), (metadata, exception) -> {
                if (exception == null) {
                    acknowledged.add(value);
                } else {
                    failure.compareAndSet(null, exception);
                }
            });
            nextNs += intervalNs;
            long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0) {
                LockSupport.parkNanos(waitNs);
            }
        }
    }

    /** The values acknowledged so far; a live view. */
    Set<String> acknowledged() {
        return acknowledged;
    }

    /** The first failed send, or null. */
    Exception failure() {
        return failure.get();
    }

    /**
     * Stops sending and waits until every record sent has been acknowledged or has failed; returns
     * the values acknowledged, which no longer change.
     */
    Set<String> stop() {
        running.set(false);
        try {
            thread.join(STOP_TIMEOUT_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while stopping the producer", e);
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("producer thread did not stop within " + STOP_TIMEOUT_MS + " ms");
        }
        producer.flush();
        return Set.copyOf(acknowledged);
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            stop();
        }
        producer.close();
    }
}
