package io.surety.broker.coordinator;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@link CoordinatorTimer} over a {@link ScheduledExecutorService}: when a timer fires it only
 * enqueues an operation; that operation runs the task if the key still holds the same scheduling
 * (a heartbeat that rescheduled the key in between wins). Used by the coordinator thread only.
 */
final class ScheduledCoordinatorTimer implements CoordinatorTimer {

    private record Entry(long token, ScheduledFuture<?> future) {
    }

    private final ScheduledExecutorService scheduler;
    private final Consumer<Operation> enqueue;
    private final Map<String, Entry> entries = new HashMap<>();
    private long nextToken;

    ScheduledCoordinatorTimer(ScheduledExecutorService scheduler, Consumer<Operation> enqueue) {
        this.scheduler = scheduler;
        this.enqueue = enqueue;
    }

    @Override
    public void schedule(String key, long delayMs, Operation task) {
        cancel(key);
        long token = ++nextToken;
        Operation guarded = ctx -> {
            Entry current = entries.get(key);
            if (current != null && current.token() == token) {
                entries.remove(key);
                task.run(ctx);
            }
        };
        ScheduledFuture<?> future = scheduler.schedule(() -> enqueue.accept(guarded), Math.max(0, delayMs),
                TimeUnit.MILLISECONDS);
        entries.put(key, new Entry(token, future));
    }

    @Override
    public void cancel(String key) {
        Entry entry = entries.remove(key);
        if (entry != null) {
            entry.future().cancel(false);
        }
    }

    @Override
    public boolean isScheduled(String key) {
        return entries.containsKey(key);
    }

    void cancelAll() {
        entries.values().forEach(e -> e.future().cancel(false));
        entries.clear();
    }
}
