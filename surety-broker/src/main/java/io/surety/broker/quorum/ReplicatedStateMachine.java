package io.surety.broker.quorum;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * State driven by a replicated log: every member applies the same committed entries in the same
 * order, so every member holds the same state.
 *
 * <p>Threading: all methods are called from one thread of the quorum (the apply thread), never
 * concurrently, so an implementation needs no locking of its own for what only these methods touch.
 * What other threads read must be published safely (an immutable image swapped in a volatile field,
 * for instance).
 */
public interface ReplicatedStateMachine {

    /**
     * Applies one committed entry. Entries arrive in log order without gaps; an entry the state
     * machine does not understand must throw, which stops the member (a replica that cannot apply the
     * log must not serve a state that differs from the others').
     *
     * @param index the entry's position in the replicated log, increasing
     * @param entry the bytes proposed, exactly as given to {@link RatisQuorum#propose}
     */
    void apply(long index, byte[] entry);

    /** Writes the live state, such that {@link #restore} of these bytes gives the same state. */
    void writeSnapshot(OutputStream out) throws IOException;

    /** Replaces the whole state with a snapshot written by {@link #writeSnapshot}; before any apply. */
    void restore(InputStream in) throws IOException;
}
