package io.surety.check.fault;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The kinds of fault a run can inject, as named on the command line ({@code --faults}). */
public enum FaultKind {
    BROKER_CRASH("broker kill -9 and restart on the same data"),
    CONNECTION_RESET("every proxied connection reset"),
    LOST_ACKS("produce responses swallowed after the write"),
    BLACK_HOLE("nothing crosses the proxy for 3 s"),
    DELAY("300 ms on every chunk for 3 s"),
    PRODUCER_CRASH("producer process kill -9, a new one started"),
    CONSUMER_CRASH_AT_COMMIT("consumer crash at its guarantee's decisive point: after commit before processing "
            + "(at-most-once), after processing before commit (the others)"),
    CONSUMER_CRASH_MID_BATCH("consumer crash in the middle of a batch");

    private final String meaning;

    FaultKind(String meaning) {
        this.meaning = meaning;
    }

    /** The command-line name, e.g. {@code broker-crash}. */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    public String meaning() {
        return meaning;
    }

    /**
     * The kind named {@code text}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static FaultKind parse(String text) {
        for (FaultKind kind : values()) {
            if (kind.label().equals(text.trim().toLowerCase(Locale.ROOT))) {
                return kind;
            }
        }
        throw new IllegalArgumentException("Unknown fault '" + text + "': expected one of "
                + Arrays.stream(values()).map(FaultKind::label).collect(Collectors.joining(", ")));
    }
}
