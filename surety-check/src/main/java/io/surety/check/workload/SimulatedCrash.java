package io.surety.check.workload;

import java.io.Serial;

/**
 * Thrown from a processing loop's crash hook to end it the way a crash would: an {@link Error},
 * so the loop commits nothing and leaves any transaction open (see surety-semantics' CrashHook).
 */
final class SimulatedCrash extends Error {

    @Serial
    private static final long serialVersionUID = 1L;

    SimulatedCrash(String point) {
        super("simulated crash " + point, null, false, false);
    }
}
