package io.surety.bench;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Measures how long a freshly started broker takes to acknowledge its first record: the time a
 * user waits between starting a broker and using it.
 */
final class FirstAck {

    private FirstAck() {
    }

    /** Milliseconds from the broker's process start to the first acks=all acknowledgement. */
    static double measure(BenchBroker broker, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<String, Object> config = Map.of("bootstrap.servers", broker.bootstrap(), "acks", "all",
                "max.block.ms", 2_000, "request.timeout.ms", 2_000, "delivery.timeout.ms", 4_000,
                "reconnect.backoff.max.ms", 50, "retry.backoff.ms", 20);
        while (System.nanoTime() < deadline) {
            if (!broker.isAlive()) {
                throw new IllegalStateException(broker.name() + " exited during start; see " + broker.logFile());
            }
            try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
                    new ByteArraySerializer())) {
                producer.send(new ProducerRecord<>("bench-first-ack", new byte[16])).get(5, TimeUnit.SECONDS);
                return (System.nanoTime() - broker.startedAtNanos()) / 1e6;
            } catch (ExecutionException | java.util.concurrent.TimeoutException | org.apache.kafka.common.KafkaException e) {
                Thread.onSpinWait();
            }
        }
        throw new IllegalStateException(broker.name() + " acknowledged nothing within " + timeout);
    }
}
