package io.surety.semantics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;

/**
 * What {@link AtMostOnceLoop} and {@link AtLeastOnceLoop} are built from, checked by
 * {@link HandlerLoopBuilder}. Immutable; the clients in it belong to the loop.
 */
record HandlerLoopSettings<K, V>(Consumer<K, V> consumer, List<String> topics, RecordHandler<K, V> handler,
        Retrier retrier, Optional<DeadLetters<K, V>> deadLetters, CrashHook crashHook, Duration pollTimeout) {

    /**
     * Calls the handler for {@code record} as often as the retry policy allows.
     *
     * @throws ProcessingFailedException if every attempt failed
     */
    void handle(ConsumerRecord<K, V> record) {
        retrier.call(record, () -> {
            handler.handle(record);
            return null;
        });
    }

    void closeClients(Logger log) {
        LoopSupport.closeQuietly(consumer, "consumer", log);
        deadLetters.ifPresent(d -> LoopSupport.closeQuietly(d.producer(), "dead-letter producer", log));
    }
}
