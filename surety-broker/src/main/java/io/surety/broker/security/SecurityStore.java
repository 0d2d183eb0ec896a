package io.surety.broker.security;

import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The one writer of security state: each change is decided, made durable, and replayed into every
 * {@link SecurityState}, in one order. Thread-safe: changes run one at a time under the store's
 * lock, so a decision sees every earlier change.
 *
 * <p>Implementation notes: this version keeps nothing on disk; the records of a change are only
 * replayed. The durable store (a journal of the same records, fsynced before they are replayed and
 * read back at start) replaces it without changing its callers.
 */
public final class SecurityStore {

    private final List<SecurityState> states;

    public SecurityStore(List<SecurityState> states) {
        this.states = List.copyOf(states);
    }

    /** Runs {@code decide} under the lock, applies its records, and returns its answer. */
    public synchronized <T> T change(Supplier<SecurityChange<T>> decide) {
        SecurityChange<T> change = decide.get();
        for (ApiMessageAndVersion record : change.records()) {
            for (SecurityState state : states) {
                state.replay(record);
            }
        }
        return change.answer();
    }
}
