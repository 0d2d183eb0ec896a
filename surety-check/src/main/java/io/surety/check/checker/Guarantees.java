package io.surety.check.checker;

import java.util.List;

/**
 * The three delivery guarantees a run exercises, and the acks=1 row of a cluster run, by the ids the
 * history uses, and what each promises.
 */
public final class Guarantees {

    public static final String AT_MOST_ONCE = "at-most-once";
    public static final String AT_LEAST_ONCE = "at-least-once";
    public static final String EXACTLY_ONCE = "exactly-once";
    /**
     * Not one of Kafka's guarantees but a row of its own on a cluster: records produced with
     * {@code acks=1} (acknowledged by the leader alone), read back from the log at the end. Their
     * loss on a leader failover is counted, never a violation.
     */
    public static final String ACKS_1 = "acks=1";

    /** Every guarantee, in the order the report shows them. */
    public static final List<String> ALL = List.of(AT_MOST_ONCE, AT_LEAST_ONCE, ACKS_1, EXACTLY_ONCE);

    private Guarantees() {
    }

    /** The promise of {@code guarantee} in plain words; rejects an id that is not one of {@link #ALL}. */
    public static String promise(String guarantee) {
        return switch (requireKnown(guarantee)) {
            case AT_MOST_ONCE -> "never duplicated; may lose";
            case AT_LEAST_ONCE -> "never lost; may duplicate";
            case ACKS_1 -> "may lose on leader failover; counted";
            default -> "neither lost nor duplicated";
        };
    }

    static String requireKnown(String guarantee) {
        if (!ALL.contains(guarantee)) {
            throw new IllegalArgumentException("unknown guarantee '" + guarantee + "', expected one of " + ALL);
        }
        return guarantee;
    }
}
