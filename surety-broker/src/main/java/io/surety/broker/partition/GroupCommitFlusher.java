package io.surety.broker.partition;

import io.surety.broker.config.FlushPolicy;
import io.surety.broker.metrics.FsyncMetrics;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commit: appends ask to be made durable, and the flusher forces every partition that has
 * waiters, then completes every waiter whose data that fsync covered. Under load many appends share
 * one fsync, which is what makes fsync-before-ack affordable.
 *
 * <p>The forces run on the {@code forcers} executor, so with a pool of T threads up to T
 * partitions are forced at once and each force wakes its own waiters as soon as it returns: a
 * round over 1,000 partitions no longer costs 1,000 fsyncs one after another, and one slow
 * partition holds up only itself. A partition is forced by at most one thread at a time; waiters
 * that arrive while it is being forced wait for the force after.
 *
 * <p>Under {@link FlushPolicy#INTERVAL} nobody waits; the flusher thread only forces partitions
 * whose {@code flush.ms} has passed, itself, one after another.
 *
 * <p>Threading: {@link #awaitDurable} and {@link #stop} from any thread; {@link #run} is the body
 * of the one flusher thread, which alone decides what is forced and owns which partitions are being
 * forced and which waiters wait for them; a force runs on a forcing thread and tells the flusher
 * thread it is done through the same queue the waiters come by. Futures complete on the forcing
 * threads (on the flusher thread when the executor runs tasks in place), so their continuations
 * must be quick.
 *
 * <p>Implementation notes: an fsync error is never retried (the kernel may have dropped the
 * dirty pages, so a second fsync can "succeed" without the data); the partition goes offline
 * and its waiters fail with KAFKA_STORAGE_ERROR. Forces of different partitions overlap well
 * because an fsync spends its time waiting for the device, not on a CPU, and the device (and the
 * file system's journal) can work on several at once; {@code ForceScaling} in surety-bench
 * measures it, and DESIGN.md "Broker: storage" has the numbers.
 */
public final class GroupCommitFlusher implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupCommitFlusher.class);
    private static final long IDLE_POLL_MS = 100;

    /** What reaches the flusher thread: an append to make durable, or the end of a force. */
    private sealed interface Event permits Waiter, Forced {
    }

    private record Waiter(Partition partition, long offset, CompletableFuture<Void> done) implements Event {
    }

    private record Forced(Partition partition) implements Event {
    }

    private final FlushPolicy policy;
    private final Clock clock;
    private final Supplier<Iterable<Partition>> allPartitions;
    private final FsyncMetrics metrics;
    private final Executor forcers;
    private final LinkedBlockingQueue<Event> queue = new LinkedBlockingQueue<>();
    /** Partitions whose force has been handed to a forcing thread and has not ended. Flusher thread only. */
    private final Set<Partition> forcing = new HashSet<>();
    /** Waiters not yet given to a force, by partition, oldest partition first. Flusher thread only. */
    private final Map<Partition, List<Waiter>> waiting = new LinkedHashMap<>();
    private volatile boolean running = true;

    /** A flusher that forces on its own thread, one partition after another. */
    public GroupCommitFlusher(FlushPolicy policy, Clock clock, Supplier<Iterable<Partition>> allPartitions,
            FsyncMetrics metrics) {
        this(policy, clock, allPartitions, metrics, Runnable::run);
    }

    /**
     * A flusher whose forces run on {@code forcers}, typically a fixed pool of
     * {@code surety.flush.threads} threads, which the caller owns and shuts down after the flusher
     * thread has ended.
     */
    public GroupCommitFlusher(FlushPolicy policy, Clock clock, Supplier<Iterable<Partition>> allPartitions,
            FsyncMetrics metrics, Executor forcers) {
        this.policy = policy;
        this.clock = clock;
        this.allPartitions = allPartitions;
        this.metrics = metrics;
        this.forcers = forcers;
    }

    /** Completes when everything below {@code offset} in {@code partition} is on disk (at once under the interval policy). */
    public CompletableFuture<Void> awaitDurable(Partition partition, long offset) {
        if (policy == FlushPolicy.INTERVAL) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        enqueue(new Waiter(partition, offset, done));
        return done;
    }

    @Override
    public void run() {
        List<Event> events = new ArrayList<>();
        try {
            while (running) {
                try {
                    Event first = queue.poll(IDLE_POLL_MS, TimeUnit.MILLISECONDS);
                    if (first != null) {
                        events.add(first);
                        queue.drainTo(events);
                        flushRound(events);
                        events.clear();
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
        } finally {
            for (List<Waiter> waiters : waiting.values()) {
                fail(waiters, "Broker is shutting down");
            }
            waiting.clear();
            failQueued();
        }
    }

    /**
     * One group commit: takes in new waiters and ended forces, then starts one force for every
     * partition with waiters that is not being forced already.
     */
    private void flushRound(List<Event> events) {
        for (Event event : events) {
            if (event instanceof Forced forced) {
                forcing.remove(forced.partition());
            } else if (event instanceof Waiter waiter) {
                waiting.computeIfAbsent(waiter.partition(), p -> new ArrayList<>()).add(waiter);
            }
        }
        Iterator<Map.Entry<Partition, List<Waiter>>> entries = waiting.entrySet().iterator();
        while (entries.hasNext()) {
            Map.Entry<Partition, List<Waiter>> entry = entries.next();
            Partition partition = entry.getKey();
            if (forcing.add(partition)) {
                entries.remove();
                start(partition, entry.getValue());
            }
        }
    }

    private void start(Partition partition, List<Waiter> waiters) {
        try {
            forcers.execute(() -> force(partition, waiters));
        } catch (RejectedExecutionException e) {
            forcing.remove(partition);
            fail(waiters, "Broker is shutting down");
        }
    }

    /** On a forcing thread: one fsync, then wake the waiters it covered and hand the rest back. */
    private void force(Partition partition, List<Waiter> waiters) {
        try {
            long startNs = System.nanoTime();
            long durable = partition.flush(clock.millis());
            metrics.fsynced(System.nanoTime() - startNs, waiters.size());
            for (Waiter waiter : waiters) {
                if (waiter.offset() <= durable) {
                    waiter.done().complete(null);
                } else {
                    enqueue(waiter);
                }
            }
        } catch (IOException e) {
            fail(waiters, e.getMessage());
        } catch (RuntimeException e) {
            LOG.error("Flush of {} failed", partition.topicPartition(), e);
            fail(waiters, e.toString());
        } finally {
            queue.add(new Forced(partition));
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

    /** Stops after the current round; waiters still queued, and any that come later, are failed. */
    public void stop() {
        running = false;
        failQueued();
    }

    /**
     * Queues a waiter, failing it if the flusher has stopped. {@code running} is read after the add,
     * so either this sees the stop or the stop's drain sees the waiter.
     */
    private void enqueue(Waiter waiter) {
        queue.add(waiter);
        if (!running) {
            failQueued();
        }
    }

    private void failQueued() {
        List<Event> left = new ArrayList<>();
        queue.drainTo(left);
        for (Event event : left) {
            if (event instanceof Waiter waiter) {
                waiter.done().completeExceptionally(new KafkaStorageException("Broker is shutting down"));
            }
        }
    }

    private static void fail(List<Waiter> waiters, String message) {
        for (Waiter waiter : waiters) {
            waiter.done().completeExceptionally(new KafkaStorageException(message));
        }
    }
}
