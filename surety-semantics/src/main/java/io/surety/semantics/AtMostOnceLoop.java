package io.surety.semantics;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InterruptException;
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

    private final HandlerLoopSettings<K, V> settings;
    private final Consumer<K, V> consumer;
    private final AtomicLong skipped = new AtomicLong();
    private final LoopLifecycle lifecycle;

    private AtMostOnceLoop(HandlerLoopSettings<K, V> settings) {
        this.settings = settings;
        this.consumer = settings.consumer();
        this.lifecycle = new LoopLifecycle(consumer, LOG);
    }

    /** Starts building a loop around {@code consumer}, which the loop will own and close. */
    public static <K, V> HandlerLoopBuilder<K, V, AtMostOnceLoop<K, V>> builder(Consumer<K, V> consumer) {
        return new HandlerLoopBuilder<>(consumer, AtMostOnceLoop::new);
    }

    @Override
    public LoopExit run() {
        lifecycle.claimRun();
        LoopExit exit;
        try {
            consumer.subscribe(settings.topics());
            exit = lifecycle.stepUntilShutdown(this::pollOnce);
        } catch (RuntimeException e) {
            exit = new LoopExit.Failed(e);
        } finally {
            settings.closeClients(LOG);
        }
        return exit;
    }

    @Override
    public void shutdown() {
        lifecycle.shutdown();
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
        ConsumerRecords<K, V> records = consumer.poll(settings.pollTimeout());
        if (records.isEmpty()) {
            return;
        }
        settings.crashHook().reached(CrashPoint.AFTER_POLL);
        Map<TopicPartition, OffsetAndMetadata> offsets = LoopSupport.nextOffsets(records);
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException | InterruptException e) {
            throw e;
        } catch (KafkaException e) {
            skipped.addAndGet(records.count());
            LOG.warn("Not processing {} records: committing them failed, and processing them anyway could process"
                    + " them twice", records.count(), e);
            return;
        }
        settings.crashHook().reached(CrashPoint.AFTER_COMMIT_BEFORE_PROCESS);
        int left = records.count();
        for (ConsumerRecord<K, V> record : records) {
            process(record);
            if (--left > 0) {
                settings.crashHook().reached(CrashPoint.MID_PROCESSING);
            }
        }
        settings.crashHook().reached(CrashPoint.AFTER_BATCH);
    }

    private void process(ConsumerRecord<K, V> record) {
        try {
            settings.handle(record);
        } catch (ProcessingFailedException failure) {
            try {
                if (settings.deadLetters().isPresent()) {
                    settings.deadLetters().get().send(record, failure);
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
}
