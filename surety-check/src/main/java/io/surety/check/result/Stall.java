package io.surety.check.result;

/**
 * The longest stretch of a run in which a guarantee's producers were sending but no record of it
 * was acknowledged: how long the cluster was unavailable to that producer, from the last
 * acknowledgement before the stretch to the first after it (run milliseconds).
 */
public record Stall(long fromMs, long toMs) {

    public Stall {
        if (toMs < fromMs) {
            throw new IllegalArgumentException("a stall ends after it starts: " + fromMs + " to " + toMs);
        }
    }

    public long durationMs() {
        return toMs - fromMs;
    }
}
