package io.surety.broker.partition;

import io.surety.broker.config.FlushPolicy;
import io.surety.broker.metrics.FsyncMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: appends ask to be made durable, and one flusher thread forces every partition
 * that has waiters once per round, then completes every waiter whose data that fsync covered.
 * Under load many appends share one fsync, which is what makes fsync-before-ack affordable.
 *
 * <p>Under {@link FlushPolicy#INTERVAL} nobody waits; the thread only forces partitions whose
 * {@code flush.ms} has passed.
 *
 * <p>Threading: {@link #awaitDurable} from any thread; everything else on the flusher thread,
 * which {@link #run} is the body of. Futures complete on the flusher thread, so their
 * continuations must be quick.
 *
 * <p>Implementation notes: an fsync error is never retried (the kernel may have dropped the
 * dirty pages, so a second fsync can "succeed" without the data); the partition goes offline
 * and its waiters fail with KAFKA_STORAGE_ERROR.
 */
public final class GroupCommitFlusher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);
    private static final long IDLE_POLL_MS = 100;

    private record Waiter(Partition partition, long offset, CompletableFuture<Void> done) {
    }

    private final FlushPolicy policy;
    private final Clock clock;
    private final Supplier<Iterable<Partition>> allPartitions;
    private final FsyncMetrics metrics;
    private final LinkedBlockingQueue<Waiter> queue = new LinkedBlockingQueue<>();
    private volatile boolean running = true;

    public GroupCommitFlusher(FlushPolicy policy, Clock clock, Supplier<Iterable<Partition>> allPartitions,
            FsyncMetrics metrics) {
        this.policy = policy;
        this.clock = clock;
        this.allPartitions = allPartitions;
        this.metrics = metrics;
    }

    /** Completes when everything below {@code offset} in {@code partition} is on disk (at once under the interval policy). */
    public CompletableFuture<Void> awaitDurable(Partition partition, long offset) {
        if (policy == FlushPolicy.INTERVAL) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        queue.add(new Waiter(partition, offset, done));
        return done;
    }

    @Override
    public void run() {
        List<Waiter> batch = new ArrayList<>();
        while (running) {
            try {
                Waiter first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch);
                    flushRound(batch);
                    batch.clear();
                }
                if (policy == FlushPolicy.INTERVAL) {
                    flushDuePartitions();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("Flusher round failed", e);
            }
        }
    }

    /** One group commit: one fsync per partition with waiters, then wake the waiters it covered. */
    void flushRound(List<Waiter> waiters) {
        Map<Partition, List<Waiter>> byPartition = new HashMap<>();
        for (Waiter waiter : waiters) {
            byPartition.computeIfAbsent(waiter.partition(), p -> new ArrayList<>()).add(waiter);
        }
        long nowMs = clock.millis();
        for (Map.Entry<Partition, List<Waiter>> entry : byPartition.entrySet()) {
            Partition partition = entry.getKey();
            try {
                long startNs = System.nanoTime();
                long durable = partition.flush(nowMs);
                metrics.fsynced(System.nanoTime() - startNs, entry.getValue().size());
                for (Waiter waiter : entry.getValue()) {
                    if (waiter.offset() <= durable) {
                        waiter.done().complete(null);
                    } else {
                        queue.add(waiter);
                    }
                }
            } catch (IOException e) {
                for (Waiter waiter : entry.getValue()) {
                    waiter.done().completeExceptionally(new KafkaStorageException(e.getMessage()));
                }
            }
        }
    }

    private void flushDuePartitions() {
        long nowMs = clock.millis();
        for (Partition partition : allPartitions.get()) {
            if (partition.flushDue(nowMs)) {
                try {
                    long startNs = System.nanoTime();
                    partition.flush(nowMs);
                    metrics.fsynced(System.nanoTime() - startNs);
                } catch (IOException e) {
                    LOG.error("Periodic flush of {} failed", partition.topicPartition(), e);
                }
            }
        }
    }

    /** Stops after the current round; waiters still queued are failed. */
    public void stop() {
        running = false;
        List<Waiter> left = new ArrayList<>();
        queue.drainTo(left);
        for (Waiter waiter : left) {
            waiter.done().completeExceptionally(new KafkaStorageException("Broker is shutting down"));
        }
    }
}
