package io.surety.broker.replication;

import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drives one {@link ReplicaFetcher} on a dedicated thread: calls its step while it has work, and
 * otherwise sleeps until the fetcher signals (an answer, a finished flush, new partitions) or a
 * back-off ends. Nothing polls: an idle fetcher (its fetch waiting at the leader) costs no CPU.
 *
 * <p>Threading: {@link #run} is the body of the fetcher's thread; {@link #signal} and {@link #stop}
 * may be called from any thread. Pass {@link #signal} as the fetcher's signal. A signal that comes
 * between a step and the wait is kept, so the wait returns at once.
 */
public final class ReplicaFetcherRunner implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcherRunner.class);

    private final LongSupplier monotonicMs;
    private ReplicaFetcher fetcher;
    private boolean signalled;
    private volatile boolean running = true;

    /** @param monotonicMs the clock the fetcher's steps and back-offs run on */
    public ReplicaFetcherRunner(LongSupplier monotonicMs) {
        this.monotonicMs = monotonicMs;
    }

    /** The fetcher this runner drives; set once, before the thread starts. */
    public void drive(ReplicaFetcher driven) {
        this.fetcher = driven;
    }

    /** Wakes the thread for work. Any thread. */
    public synchronized void signal() {
        signalled = true;
        notifyAll();
    }

    /** Ends {@link #run} after its current step. Any thread. */
    public void stop() {
        running = false;
        signal();
    }

    @Override
    public void run() {
        try {
            while (running) {
                if (fetcher.doWork(monotonicMs.getAsLong()) == 0) {
                    awaitSignal(fetcher.nextDeadlineMs());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("The fetcher from {} stopped on an unexpected error", fetcher.leader(), e);
        }
    }

    private synchronized void awaitSignal(long deadlineMs) throws InterruptedException {
        while (!signalled && running) {
            if (deadlineMs == Long.MAX_VALUE) {
                wait();
            } else {
                long waitMs = deadlineMs - monotonicMs.getAsLong();
                if (waitMs <= 0) {
                    break;
                }
                wait(waitMs);
            }
        }
        signalled = false;
    }
}
