package io.surety.harness;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

/**
 * The faults one {@link FaultProxy} injects right now, read by its connection threads and switched
 * from any thread.
 *
 * <p>Thread-safe. Black hole and delay are written under one monitor, which also wakes every pump
 * waiting on them when a fault switches or a connection closes; pumps read them without locking
 * while neither is injected. Drop budgets are atomic counters,
 * one per apiKey; a rule is replaced, never edited, so outstanding claims keep their own counter.
 */
final class FaultState {

    private final Object gate = new Object();
    private volatile boolean blackHole; // written under gate
    private volatile long delayNs; // written under gate
    private volatile boolean refusingConnections;
    private final ConcurrentHashMap<Short, AtomicInteger> dropBudgets = new ConcurrentHashMap<>();

    void delay(long delayNs) {
        synchronized (gate) {
            this.delayNs = delayNs;
            gate.notifyAll();
        }
    }

    void blackHole() {
        synchronized (gate) {
            blackHole = true;
        }
    }

    void refuseConnections(boolean refuse) {
        refusingConnections = refuse;
    }

    boolean refusingConnections() {
        return refusingConnections;
    }

    /** Replaces the rule for {@code apiKey}; a count of 0 removes it. */
    void dropResponses(short apiKey, int count) {
        if (count == 0) {
            dropBudgets.remove(apiKey);
        } else {
            dropBudgets.put(apiKey, new AtomicInteger(count));
        }
    }

    /** Takes one drop from the budget for {@code apiKey}; the budget to return it to if unused. */
    Optional<AtomicInteger> claimDrop(short apiKey) {
        AtomicInteger budget = dropBudgets.get(apiKey);
        if (budget == null) {
            return Optional.empty();
        }
        int left = budget.get();
        while (left > 0) {
            if (budget.compareAndSet(left, left - 1)) {
                return Optional.of(budget);
            }
            left = budget.get();
        }
        return Optional.empty();
    }

    /** Clears every fault; drops already claimed still happen. */
    void heal() {
        refusingConnections = false;
        dropBudgets.clear();
        synchronized (gate) {
            blackHole = false;
            delayNs = 0;
            gate.notifyAll();
        }
    }

    /** Wakes every pump waiting in {@link #awaitForwarding}, so it can see its connection closed. */
    void wakeAll() {
        synchronized (gate) {
            gate.notifyAll();
        }
    }

    /**
     * Blocks the calling pump until bytes read at {@code readNs} (a {@link System#nanoTime()}
     * value) may be forwarded: no black hole, and, if {@code applyDelay}, the current delay has
     * passed since {@code readNs}.
     *
     * @return {@code false} if {@code closed} turned true first
     */
    boolean awaitForwarding(long readNs, boolean applyDelay, BooleanSupplier closed) throws InterruptedException {
        if (!blackHole && delayNs == 0) {
            return !closed.getAsBoolean();
        }
        synchronized (gate) {
            while (!closed.getAsBoolean()) {
                if (blackHole) {
                    gate.wait();
                    continue;
                }
                long waitNs = applyDelay ? readNs + delayNs - System.nanoTime() : 0;
                if (waitNs <= 0) {
                    return true;
                }
                TimeUnit.NANOSECONDS.timedWait(gate, waitNs);
            }
            return false;
        }
    }
}
