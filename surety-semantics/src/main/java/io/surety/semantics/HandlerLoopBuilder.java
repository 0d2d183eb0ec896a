package io.surety.semantics;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Builds an {@link AtMostOnceLoop} or an {@link AtLeastOnceLoop}: the consumer, the topics, the
 * handler, and optionally a retry policy, a dead-letter topic, a crash hook and the poll timeout.
 * Not thread-safe.
 *
 * @param <L> the loop it builds
 */
public final class HandlerLoopBuilder<K, V, L extends ProcessingLoop> {

    private final Consumer<K, V> consumer;
    private final Function<HandlerLoopSettings<K, V>, L> factory;
    private List<String> topics;
    private RecordHandler<K, V> handler;
    private RetryPolicy retry = RetryPolicy.none();
    private Optional<DeadLetters<K, V>> deadLetters = Optional.empty();
    private CrashHook crashHook = CrashHook.NONE;
    private Duration pollTimeout = LoopSupport.DEFAULT_POLL_TIMEOUT;
    private Sleeper sleeper = Sleeper.SYSTEM;

    HandlerLoopBuilder(Consumer<K, V> consumer, Function<HandlerLoopSettings<K, V>, L> factory) {
        this.consumer = LoopSupport.required(consumer, "consumer");
        this.factory = factory;
    }

    /** The topics to subscribe to (at least one). */
    public HandlerLoopBuilder<K, V, L> topics(List<String> topics) {
        this.topics = topics;
        return this;
    }

    /** The processing of each record. */
    public HandlerLoopBuilder<K, V, L> handler(RecordHandler<K, V> handler) {
        this.handler = handler;
        return this;
    }

    /** How often to call the handler for a record whose processing throws (default: once). */
    public HandlerLoopBuilder<K, V, L> retry(RetryPolicy retry) {
        this.retry = LoopSupport.required(retry, "retry");
        return this;
    }

    /**
     * Sends records that failed every attempt to {@code topic} with {@code producer}, which the loop
     * will own and close, with headers saying where they came from and why.
     */
    public HandlerLoopBuilder<K, V, L> deadLetters(String topic, Producer<K, V> producer) {
        this.deadLetters = Optional.of(new DeadLetters<>(LoopSupport.checkTopic(topic, "dead-letter topic"),
                LoopSupport.required(producer, "dead-letter producer")));
        return this;
    }

    /** Called at each {@link CrashPoint} (default: nothing). */
    public HandlerLoopBuilder<K, V, L> crashHook(CrashHook crashHook) {
        this.crashHook = LoopSupport.required(crashHook, "crashHook");
        return this;
    }

    /** How long each poll waits for records (default 500 ms). */
    public HandlerLoopBuilder<K, V, L> pollTimeout(Duration pollTimeout) {
        this.pollTimeout = LoopSupport.checkPollTimeout(pollTimeout);
        return this;
    }

    HandlerLoopBuilder<K, V, L> sleeper(Sleeper sleeper) {
        this.sleeper = sleeper;
        return this;
    }

    /**
     * @throws IllegalArgumentException if there are no topics, or a topic name is blank
     * @throws NullPointerException     naming what is missing, if there is no handler
     */
    public L build() {
        return factory.apply(new HandlerLoopSettings<>(consumer, LoopSupport.checkTopics(topics),
                LoopSupport.required(handler, "handler (the code that processes each record)"),
                new Retrier(retry, sleeper), deadLetters, crashHook, pollTimeout));
    }
}
