package io.surety.check.result;

import java.util.Objects;

/**
 * A fault as it appears on the report's time axis: milliseconds since the run started; end -1 if
 * never healed. A skipped fault is a point at the time it was due; a failed one spans the attempt.
 *
 * @param status what became of the fault
 * @param reason why it failed or was skipped; null when it ran
 */
public record FaultWindow(String name, long startMs, long endMs, FaultStatus status, String reason) {

    public FaultWindow {
        Objects.requireNonNull(status, "status");
        if ((status == FaultStatus.RAN) != (reason == null)) {
            throw new IllegalArgumentException("a fault has a reason exactly when it failed or was skipped");
        }
    }

    /** A fault that ran. */
    public FaultWindow(String name, long startMs, long endMs) {
        this(name, startMs, endMs, FaultStatus.RAN, null);
    }
}
