package io.surety.semantics;

/**
 * A consumer loop that commits offsets in the order its delivery guarantee needs.
 *
 * <p>{@link #run()} runs the loop on the calling thread until {@link #shutdown()} is called (from
 * any thread), a record cannot be processed, or the client fails; then it closes the clients it
 * was given and returns why it stopped. The loop owns those clients from the moment it is built:
 * do not use or close them elsewhere. {@code run()} may be called once.
 */
public sealed interface ProcessingLoop permits AtMostOnceLoop, AtLeastOnceLoop, ExactlyOnceLoop {

    /** Runs until shut down or failed; closes the clients; returns why it stopped. */
    LoopExit run();

    /**
     * Asks the loop to stop: it finishes what its guarantee requires (see each loop) and
     * {@link #run()} returns {@link LoopExit.ShutDown}. Thread-safe; returns at once.
     */
    void shutdown();
}
