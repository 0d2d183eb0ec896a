package io.surety.check.checker;

import java.util.List;

/** The three delivery guarantees a run exercises, by the ids the history uses, and what each promises. */
public final class Guarantees {

    public static final String AT_MOST_ONCE = "at-most-once";
    public static final String AT_LEAST_ONCE = "at-least-once";
    public static final String EXACTLY_ONCE = "exactly-once";

    /** Every guarantee, in the order the report shows them. */
    public static final List<String> ALL = List.of(AT_MOST_ONCE, AT_LEAST_ONCE, EXACTLY_ONCE);

    private Guarantees() {
    }

    /** The promise of {@code guarantee} in plain words; rejects an id that is not one of {@link #ALL}. */
    public static String promise(String guarantee) {
        return switch (requireKnown(guarantee)) {
            case AT_MOST_ONCE -> "never duplicated; may lose";
            case AT_LEAST_ONCE -> "never lost; may duplicate";
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
