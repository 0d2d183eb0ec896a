package io.surety.broker.network;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Lets through at most {@code perWindow} log lines per window of time and counts the rest, so a
 * storm of short connections (a client reconnecting in a loop, a port scan, a fuzzer) cannot fill
 * the disk with connection lines. The first line allowed in a new window also reports how many
 * were held back in the windows before it. Thread-safe, lock-free; time is passed in.
 *
 * <p>Implementation notes: one {@link AtomicLong} holds the current window's start and another
 * the lines counted in it; a thread that sees a newer window moves the start with a CAS, and only
 * the winner resets the count and collects the suppressed total, so each suppressed line is
 * reported exactly once. A line racing with the window change may be counted in either window.
 */
final class LogRateLimiter {

    private final int perWindow;
    private final long windowNs;
    private final AtomicLong windowStartNs;
    private final AtomicLong countInWindow = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();

    LogRateLimiter(int perWindow, long windowNs, long nowNs) {
        this.perWindow = perWindow;
        this.windowNs = windowNs;
        this.windowStartNs = new AtomicLong(nowNs);
    }

    /**
     * Asks to log one line at {@code nowNs}. Returns -1 if it must be dropped, otherwise the number
     * of lines dropped since the last line let through (0 if none), for the caller to mention.
     */
    long tryAcquire(long nowNs) {
        long start = windowStartNs.get();
        if (nowNs - start >= windowNs && windowStartNs.compareAndSet(start, nowNs)) {
            countInWindow.set(1);
            return suppressed.getAndSet(0);
        }
        if (countInWindow.incrementAndGet() <= perWindow) {
            return 0;
        }
        suppressed.incrementAndGet();
        return -1;
    }
}
