package io.surety.broker.network;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a shared pool: each connection gets one, so
 * its requests start in the order they arrived (an idempotent producer's pipelined batches must
 * be appended in order) while different connections run in parallel. Thread-safe.
 */
final class SerialExecutor implements Executor {

    private final Executor pool;
    private final Queue<Runnable> tasks = new ArrayDeque<>();
    private boolean scheduled;

    SerialExecutor(Executor pool) {
        this.pool = pool;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(task);
        if (!scheduled) {
            scheduled = true;
            pool.execute(this::drain);
        }
    }

    private void drain() {
        while (true) {
            Runnable next;
            synchronized (this) {
                next = tasks.poll();
                if (next == null) {
                    scheduled = false;
                    return;
                }
            }
            next.run();
        }
    }
}
