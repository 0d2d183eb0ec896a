package io.surety.semantics;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a loop calls the handler for a record whose processing throws, and how long it waits
 * between calls. Bounded: after {@code maxAttempts} calls the record goes to the dead-letter topic
 * if there is one; otherwise the loop does what its guarantee allows (at-most-once skips the
 * record, at-least-once and exactly-once stop).
 *
 * <p>Keep {@code maxAttempts * backoff} well under the consumer's {@code max.poll.interval.ms}:
 * the loop does not poll while it retries, and a consumer that does not poll in time is removed
 * from its group.
 *
 * @param maxAttempts calls in total, at least 1 (1 means no retry)
 * @param backoff     wait between calls, zero or more
 */
public record RetryPolicy(int maxAttempts, Duration backoff) {

    public RetryPolicy {
        Objects.requireNonNull(backoff, "backoff");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1 (1 = no retry): " + maxAttempts);
        }
        if (backoff.isNegative()) {
            throw new IllegalArgumentException("backoff must not be negative: " + backoff);
        }
    }

    /** One call, no retry. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ZERO);
    }

    /** Up to {@code maxAttempts} calls, {@code backoff} apart. */
    public static RetryPolicy attempts(int maxAttempts, Duration backoff) {
        return new RetryPolicy(maxAttempts, backoff);
    }
}
