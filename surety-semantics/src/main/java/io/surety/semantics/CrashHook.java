package io.surety.semantics;

/**
 * Called by a processing loop at each {@link CrashPoint}, on the loop's thread, so that a checker
 * can end the process exactly there (for example with {@code Runtime.getRuntime().halt(137)}).
 * An {@link Error} thrown from the hook leaves the loop at once, without committing anything or
 * finishing the transaction, the way a crash would; the loop still closes its clients. Any other
 * exception is treated as a processing failure.
 */
@FunctionalInterface
public interface CrashHook {

    /** A hook that does nothing. */
    CrashHook NONE = point -> { };

    void reached(CrashPoint point);
}
