package io.surety.check.result;

import java.util.Locale;

/** What became of a scheduled fault. */
public enum FaultStatus {
    /** Injected as planned (a window cut short by the end of the traffic still ran). */
    RAN,
    /** Tried and failed: the run did not get the fault it asked for, and may have got something else. */
    FAILED,
    /** Never tried: the target offers no way to inject it, or the run ended before it was due. */
    SKIPPED;

    /** As written in summary.json and shown in the reports: "ran", "failed", "skipped". */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The status labelled {@code text}.
     *
     * @throws IllegalArgumentException for any other text
     */
    public static FaultStatus parse(String text) {
        for (FaultStatus status : values()) {
            if (status.label().equals(text)) {
                return status;
            }
        }
        throw new IllegalArgumentException("unknown fault status '" + text + "'");
    }
}
