package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;

/**
 * What a fetch that waits for data ({@link PendingFetch}) works with: the clock its deadline is
 * read from, the timer that ends the wait, the handler pool its re-reads run on, and the watchers
 * that wake it when data arrives. Immutable; each part states its own thread-safety.
 */
record FetchWaiting(Clock clock, ScheduledExecutorService timer, Executor handlerPool, PartitionWatchers watchers) {
}
