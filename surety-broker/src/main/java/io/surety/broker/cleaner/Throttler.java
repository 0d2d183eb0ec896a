package io.surety.broker.cleaner;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Limits the cleaner's disk traffic to {@code log.cleaner.io.max.bytes.per.second}, shared by every
 * cleaner thread: each thread reports the bytes it read or wrote, and is parked when the total runs
 * ahead of the rate; once stopped, it ends the pass that calls it. Thread-safe.
 *
 * <p>Implementation notes: a debt counter refilled by elapsed time, capped at one second's worth of
 * credit so an idle period does not allow a burst larger than the rate.
 */
final class Throttler {

    private final double bytesPerSecond;
    private volatile boolean stopped;
    private double credit;
    private long lastNs;

    Throttler(double bytesPerSecond) {
        this.bytesPerSecond = bytesPerSecond;
        this.lastNs = System.nanoTime();
    }

    /** Accounts for {@code bytes} of I/O, parking the calling thread for as long as the rate requires. */
    void acquire(long bytes) {
        if (stopped) {
            throw new CleanerStoppedException();
        }
        if (bytesPerSecond >= Double.MAX_VALUE / 2) {
            return;
        }
        long waitNs;
        synchronized (this) {
            long now = System.nanoTime();
            credit = Math.min(bytesPerSecond, credit + (now - lastNs) / 1e9 * bytesPerSecond);
            lastNs = now;
            credit -= bytes;
            waitNs = credit >= 0 ? 0 : (long) (-credit / bytesPerSecond * TimeUnit.SECONDS.toNanos(1));
        }
        long deadline = System.nanoTime() + waitNs;
        for (long left = waitNs; left > 0 && !stopped; left = deadline - System.nanoTime()) {
            LockSupport.parkNanos(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)));
        }
        if (stopped) {
            throw new CleanerStoppedException();
        }
    }

    /** Ends every wait: the cleaner is stopping, and passes give up at their next batch. */
    void stop() {
        stopped = true;
    }

    /** Thrown inside a pass when the cleaner stops; the pass leaves the log as it was (or with groups already swapped). */
    static final class CleanerStoppedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CleanerStoppedException() {
            super("The log cleaner is stopping", null, false, false);
        }
    }
}
