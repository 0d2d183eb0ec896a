package io.surety.broker.coordinator;

/**
 * Keyed timeouts for the coordinator: session expiry, rebalance deadlines, the initial rebalance
 * delay. Scheduling a key replaces the task already under it; a replaced or cancelled task never
 * runs, even if it was already due. Tasks run as coordinator operations. Used only by the
 * coordinator thread.
 */
interface CoordinatorTimer {

    void schedule(String key, long delayMs, Operation task);

    void cancel(String key);

    boolean isScheduled(String key);
}
