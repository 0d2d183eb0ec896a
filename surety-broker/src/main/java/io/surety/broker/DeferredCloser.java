package io.surety.broker;

import io.surety.broker.log.Log;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs file closes and deletions after {@code file.delete.delay.ms}, so sends already reading a
 * deleted segment can finish; at shutdown, runs whatever is still pending. Thread-safe.
 */
final class DeferredCloser implements Log.SegmentCloser {

    private final ScheduledExecutorService timer;
    private final Map<Long, Runnable> pending = new ConcurrentHashMap<>();
    private final AtomicLong ids = new AtomicLong();

    DeferredCloser(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    @Override
    public void closeLater(Runnable close, long delayMs) {
        long id = ids.incrementAndGet();
        pending.put(id, close);
        timer.schedule(() -> runOnce(id), delayMs, TimeUnit.MILLISECONDS);
    }

    private void runOnce(long id) {
        Runnable task = pending.remove(id);
        if (task != null) {
            task.run();
        }
    }

    void runAllNow() {
        for (Long id : pending.keySet()) {
            runOnce(id);
        }
    }
}
