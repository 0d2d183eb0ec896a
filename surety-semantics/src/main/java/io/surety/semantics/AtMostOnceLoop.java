package io.surety.semantics;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits, then processes: no record is processed twice, and a crash after the commit loses the
 * rest of the batch.
 *
 * <pre>{@code
 * Consumer<String, String> consumer = Guarantee.AT_MOST_ONCE.newConsumer(settings,
 *         new StringDeserializer(), new StringDeserializer());
 * AtMostOnceLoop<String, String> loop = AtMostOnceLoop.builder(consumer)
 *         .topics(List.of("metrics"))
 *         .handler(record -> dashboard.update(record.value()))
 *         .build();
 * LoopExit exit = loop.run();
 * }</pre>
 *
 * <p>For each polled batch: {@code commitSync} the offsets after the batch, then process each
 * record. If the commit fails, the batch is not processed (another consumer may get it after a
 * rebalance, and processing it here as well could process it twice); those records are counted in
 * {@link #skippedRecords()}. A record whose handler throws is called again only if the
 * {@link RetryPolicy} says so (default: never, since a handler that failed half-way may already have
 * done part of its work); after the last attempt it goes to the dead-letter topic if one is set, or
 * is skipped. {@link #shutdown()} lets the batch already committed finish processing, so an
 * orderly stop loses nothing.
 *
 * <p>The consumer needs {@code enable.auto.commit=false} and a {@code group.id}
 * ({@link Guarantee#AT_MOST_ONCE} sets the first). Crash points: see {@link CrashPoint}.
 */
public final class AtMostOnceLoop<K, V> implements ProcessingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AtMostOnceLoop.class);

    private final Consumer<K, V> consumer;
    private final List<String> topics;
    private final RecordHandler<K, V> handler;
    private final Retrier retrier;
    private final Optional<DeadLetters<K, V>> deadLetters;
    private final CrashHook crashHook;
    private final Duration pollTimeout;
    private final AtomicBoolean started = new AtomicBoolean();
    private final AtomicLong skipped = new AtomicLong();
    private volatile boolean running = true;

    private AtMostOnceLoop(Builder<K, V> builder) {
        this.consumer = builder.consumer;
        this.topics = LoopSupport.checkTopics(builder.topics);
        this.handler = LoopSupport.required(builder.handler, "handler (the code that processes each record)");
        this.retrier = new Retrier(builder.retry, builder.sleeper);
        this.deadLetters = builder.deadLetters;
        this.crashHook = builder.crashHook;
        this.pollTimeout = builder.pollTimeout;
    }

    /** Starts building a loop around {@code consumer}, which the loop will own and close. */
    public static <K, V> Builder<K, V> builder(Consumer<K, V> consumer) {
        return new Builder<>(LoopSupport.required(consumer, "consumer"));
    }

    @Override
    public LoopExit run() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() may be called once");
        }
        LoopExit exit = new LoopExit.ShutDown();
        try {
            consumer.subscribe(topics);
            while (running) {
                pollOnce();
            }
        } catch (WakeupException e) {
            LOG.debug("Woken up to shut down");
        } catch (RuntimeException e) {
            exit = new LoopExit.Failed(e);
        } finally {
            LoopSupport.closeQuietly(consumer, "consumer", LOG);
            deadLetters.ifPresent(d -> LoopSupport.closeQuietly(d.producer(), "dead-letter producer", LOG));
        }
        return exit;
    }

    @Override
    public void shutdown() {
        running = false;
        consumer.wakeup();
    }

    /**
     * Records lost on purpose: their commit failed so they were not processed, or they failed every
     * attempt with no dead-letter topic. Thread-safe.
     */
    public long skippedRecords() {
        return skipped.get();
    }

    /** One poll and its batch. Package-private: tests call it step by step. */
    void pollOnce() {
        ConsumerRecords<K, V> records = consumer.poll(pollTimeout);
        if (records.isEmpty()) {
            return;
        }
        crashHook.reached(CrashPoint.AFTER_POLL);
        Map<TopicPartition, OffsetAndMetadata> offsets = LoopSupport.nextOffsets(records);
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            skipped.addAndGet(records.count());
            LOG.warn("Not processing {} records: committing them failed, and processing them anyway could process"
                    + " them twice", records.count(), e);
            return;
        }
        crashHook.reached(CrashPoint.AFTER_COMMIT_BEFORE_PROCESS);
        int left = records.count();
        for (ConsumerRecord<K, V> record : records) {
            process(record);
            if (--left > 0) {
                crashHook.reached(CrashPoint.MID_PROCESSING);
            }
        }
        crashHook.reached(CrashPoint.AFTER_BATCH);
    }

    private void process(ConsumerRecord<K, V> record) {
        try {
            retrier.call(record, () -> {
                handler.handle(record);
                return null;
            });
        } catch (ProcessingFailedException failure) {
            try {
                if (deadLetters.isPresent()) {
                    deadLetters.get().send(record, failure);
                    LOG.warn("Sent {}-{} offset {} to the dead-letter topic after {} attempts", record.topic(),
                            record.partition(), record.offset(), failure.attempts(), failure.getCause());
                    return;
                }
            } catch (ProcessingFailedException notSent) {
                LOG.warn("Sending to the dead-letter topic failed", notSent.getSuppressed().length > 0
                        ? notSent.getSuppressed()[0] : notSent);
            }
            skipped.incrementAndGet();
            LOG.warn("Skipping {}-{} offset {} after {} attempts (at-most-once)", record.topic(), record.partition(),
                    record.offset(), failure.attempts(), failure.getCause());
        }
    }

    /** Builds an {@link AtMostOnceLoop}. Not thread-safe. */
    public static final class Builder<K, V> {
        private final Consumer<K, V> consumer;
        private List<String> topics;
        private RecordHandler<K, V> handler;
        private RetryPolicy retry = RetryPolicy.none();
        private Optional<DeadLetters<K, V>> deadLetters = Optional.empty();
        private CrashHook crashHook = CrashHook.NONE;
        private Duration pollTimeout = LoopSupport.DEFAULT_POLL_TIMEOUT;
        private Sleeper sleeper = Sleeper.SYSTEM;

        private Builder(Consumer<K, V> consumer) {
            this.consumer = consumer;
        }

        /** The topics to subscribe to (at least one). */
        public Builder<K, V> topics(List<String> topics) {
            this.topics = topics;
            return this;
        }

        /** The processing of each record. */
        public Builder<K, V> handler(RecordHandler<K, V> handler) {
            this.handler = handler;
            return this;
        }

        /** How often to call the handler for a record whose processing throws (default: once). */
        public Builder<K, V> retry(RetryPolicy retry) {
            this.retry = LoopSupport.required(retry, "retry");
            return this;
        }

        /**
         * Sends records that failed every attempt to {@code topic} with {@code producer} (which the
         * loop will own and close) instead of skipping them.
         */
        public Builder<K, V> deadLetters(String topic, Producer<K, V> producer) {
            this.deadLetters = Optional.of(new DeadLetters<>(LoopSupport.checkTopics(List.of(
                    LoopSupport.required(topic, "dead-letter topic"))).get(0),
                    LoopSupport.required(producer, "dead-letter producer")));
            return this;
        }

        /** Called at each {@link CrashPoint} (default: nothing). */
        public Builder<K, V> crashHook(CrashHook crashHook) {
            this.crashHook = LoopSupport.required(crashHook, "crashHook");
            return this;
        }

        /** How long each poll waits for records (default 500 ms). */
        public Builder<K, V> pollTimeout(Duration pollTimeout) {
            this.pollTimeout = LoopSupport.checkPollTimeout(pollTimeout);
            return this;
        }

        Builder<K, V> sleeper(Sleeper sleeper) {
            this.sleeper = sleeper;
            return this;
        }

        /**
         * @throws IllegalArgumentException if there are no topics
         * @throws NullPointerException     naming what is missing, if there is no handler
         */
        public AtMostOnceLoop<K, V> build() {
            return new AtMostOnceLoop<>(this);
        }
    }
}
