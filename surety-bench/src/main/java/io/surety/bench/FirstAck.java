package io.surety.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Starts a broker and measures how long it takes to acknowledge its first record: the time a user
 * waits between starting a broker and using it. The producer is made before the broker starts, so
 * the client's own start-up is not counted against the broker; it reconnects every few
 * milliseconds until the broker answers.
 */
final class FirstAck {

    private FirstAck() {
    }

    /** Starts {@code broker}; milliseconds from its process start to the first acks=all acknowledgement. */
    static double startAndMeasure(BenchBroker broker, Duration timeout) throws InterruptedException {
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all",
                "max.block.ms", 2_000, "request.timeout.ms", 2_000, "delivery.timeout.ms", 4_000,
                "reconnect.backoff.ms", 5, "reconnect.backoff.max.ms", 20, "retry.backoff.ms", 10,
                "retry.backoff.max.ms", 20);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            producer.partitionsFor("bench-warm-the-client");
        } catch (KafkaException e) {
            // Nothing listens yet: this only loads the client's classes before the clock starts.
        }
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                new ByteArraySerializer())) {
            broker.start();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!broker.isAlive()) {
                    throw new IllegalStateException(broker.name() + " exited during start; see " + broker.logFile());
                }
                try {
                    producer.send(new ProducerRecord<>("bench-first-ack", new byte[16])).get(5, TimeUnit.SECONDS);
                    return (System.nanoTime() - broker.startedAtNanos()) / 1e6;
                } catch (ExecutionException | TimeoutException | KafkaException e) {
                    Thread.onSpinWait();
                }
            }
        }
        throw new IllegalStateException(broker.name() + " acknowledged nothing within " + timeout);
    }
}
