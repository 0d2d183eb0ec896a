package io.surety.semantics;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Processes each record, then commits: no record is skipped, and a crash before the commit
 * delivers the batch again (so processing should be idempotent).
 *
 * <pre>{@code
 * Consumer<String, String> consumer = Guarantee.AT_LEAST_ONCE.newConsumer(settings,
 *         new StringDeserializer(), new StringDeserializer());
 * AtLeastOnceLoop<String, String> loop = AtLeastOnceLoop.builder(consumer)
 *         .topics(List.of("orders"))
 *         .handler(record -> orders.save(record.value()))
 *         .retry(RetryPolicy.attempts(3, Duration.ofMillis(200)))
 *         .build();
 * LoopExit exit = loop.run();          // until loop.shutdown() from another thread
 * }</pre>
 *
 * <p>For each polled batch: process every record (calling the handler again per the
 * {@link RetryPolicy} if it throws), then {@code commitSync} the offsets after the processed
 * records. When partitions are revoked in a rebalance, the offsets processed for them and not yet
 * committed are committed first, so the next owner starts right after them. A record that fails
 * every attempt goes to the dead-letter topic if one is set (and the loop waits for its
 * acknowledgement before committing past it); without one the loop commits what was processed
 * before it and stops with {@link LoopExit.Failed}, so that a restart starts at that record.
 * {@link #shutdown()} stops after the record being processed and commits what was processed.
 *
 * <p>The consumer needs {@code enable.auto.commit=false} and a {@code group.id}
 * ({@link Guarantee#AT_LEAST_ONCE} sets the first). Crash points: see {@link CrashPoint}.
 */
public final class AtLeastOnceLoop<K, V> implements ProcessingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(AtLeastOnceLoop.class);

    private final HandlerLoopSettings<K, V> settings;
    private final Consumer<K, V> consumer;
    /** Offsets after processed records not yet committed. Loop thread only. */
    private final Map<TopicPartition, OffsetAndMetadata> processed = new HashMap<>();
    private final LoopLifecycle lifecycle;

    private AtLeastOnceLoop(HandlerLoopSettings<K, V> settings) {
        this.settings = settings;
        this.consumer = settings.consumer();
        this.lifecycle = new LoopLifecycle(consumer, LOG);
    }

    /** Starts building a loop around {@code consumer}, which the loop will own and close. */
    public static <K, V> HandlerLoopBuilder<K, V, AtLeastOnceLoop<K, V>> builder(Consumer<K, V> consumer) {
        return new HandlerLoopBuilder<>(consumer, AtLeastOnceLoop::new);
    }

    @Override
    public LoopExit run() {
        lifecycle.claimRun();
        boolean orderly = false;
        LoopExit exit;
        try {
            consumer.subscribe(settings.topics(), new CommitOnRevoke());
            exit = lifecycle.stepUntilShutdown(this::pollOnce);
            orderly = true;
        } catch (RuntimeException e) {
            exit = new LoopExit.Failed(e);
            orderly = true;
        } finally {
            if (orderly) {
                commitProcessedQuietly();
            } else {
                // A crash commits nothing: not here, and not in the revocation that close() runs.
                processed.clear();
            }
            settings.closeClients(LOG);
        }
        return exit;
    }

    @Override
    public void shutdown() {
        lifecycle.shutdown();
    }

    /** One poll and its batch. Package-private: tests call it step by step. */
    void pollOnce() {
        ConsumerRecords<K, V> records = consumer.poll(settings.pollTimeout());
        if (records.isEmpty()) {
            if (!processed.isEmpty()) {
                commitProcessed();
            }
            return;
        }
        settings.crashHook().reached(CrashPoint.AFTER_POLL);
        int left = records.count();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<K, V> record : records.records(partition)) {
                if (!lifecycle.running()) {
                    return;
                }
                process(record);
                processed.put(partition, new OffsetAndMetadata(record.offset() + 1));
                if (--left > 0) {
                    settings.crashHook().reached(CrashPoint.MID_PROCESSING);
                }
            }
        }
        settings.crashHook().reached(CrashPoint.AFTER_PROCESS_BEFORE_COMMIT);
        commitProcessed();
        settings.crashHook().reached(CrashPoint.AFTER_BATCH);
    }

    private void process(ConsumerRecord<K, V> record) {
        try {
            settings.handle(record);
        } catch (ProcessingFailedException failure) {
            if (settings.deadLetters().isEmpty()) {
                throw failure;
            }
            settings.deadLetters().get().send(record, failure);
            LOG.warn("Sent {}-{} offset {} to the dead-letter topic after {} attempts", record.topic(),
                    record.partition(), record.offset(), failure.attempts(), failure.getCause());
        }
    }

    private void commitProcessed() {
        try {
            consumer.commitSync(processed);
            processed.clear();
        } catch (CommitFailedException | RebalanceInProgressException e) {
            LOG.warn("Commit failed in a rebalance; the next owner of {} will process them again", processed.keySet(), e);
            processed.clear();
        } catch (RetriableException e) {
            LOG.warn("Commit failed for now; it will be retried with the next batch", e);
        }
    }

    private void commitProcessedQuietly() {
        if (processed.isEmpty()) {
            return;
        }
        try {
            try {
                consumer.commitSync(processed);
            } catch (WakeupException e) {
                // shutdown() may leave a wakeup pending after the last poll; it is spent now.
                consumer.commitSync(processed);
            }
            processed.clear();
        } catch (RuntimeException e) {
            LOG.warn("Final commit of {} failed; those records will be processed again", processed, e);
        }
    }

    /** Commits what was processed for partitions before they go to another consumer. */
    private final class CommitOnRevoke implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Map<TopicPartition, OffsetAndMetadata> leaving = new HashMap<>();
            for (TopicPartition partition : partitions) {
                OffsetAndMetadata offset = processed.remove(partition);
                if (offset != null) {
                    leaving.put(partition, offset);
                }
            }
            if (leaving.isEmpty()) {
                return;
            }
            try {
                consumer.commitSync(leaving);
            } catch (WakeupException e) {
                throw e;
            } catch (RuntimeException e) {
                LOG.warn("Commit before revocation failed; the next owner will process {} again", leaving, e);
            }
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            // Positions come from the committed offsets.
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            partitions.forEach(processed::remove);
        }
    }
}
