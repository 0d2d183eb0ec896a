package io.surety.semantics;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;

/**
 * The skeleton the three loops share: {@code run()} may be called once; {@link #shutdown()}, from
 * any thread, stops the loop after its current step and wakes a poll in progress; the wakeup that
 * causes ends the loop as an orderly shutdown, not a failure. What each loop does around it (the
 * final commit, the open transaction, closing its clients) stays in the loop. Thread-safe.
 */
final class LoopLifecycle {

    private final Consumer<?, ?> consumer;
    private final Logger log;
    private final AtomicBoolean started = new AtomicBoolean();
    private volatile boolean running = true;

    LoopLifecycle(Consumer<?, ?> consumer, Logger log) {
        this.consumer = consumer;
        this.log = log;
    }

    /** Marks the loop as run; throws {@link IllegalStateException} the second time. */
    void claimRun() {
        if (!started.compareAndSet(false, true)) {
            throw new IllegalStateException("run() may be called once");
        }
    }

    /** False once {@link #shutdown()} was called: a step checks it between records. */
    boolean running() {
        return running;
    }

    void shutdown() {
        running = false;
        consumer.wakeup();
    }

    /**
     * Runs {@code step} until {@link #shutdown()}. Returns {@link LoopExit.ShutDown}; anything a
     * step throws other than the shutdown's wakeup is the caller's to judge.
     */
    LoopExit stepUntilShutdown(Runnable step) {
        try {
            while (running) {
                step.run();
            }
        } catch (WakeupException e) {
            log.debug("Woken up to shut down");
        }
        return new LoopExit.ShutDown();
    }
}
