package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.TransactionRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every transactional id's state, as the journal's transaction records leave it. Changed only by
 * {@link #apply}; remembers which ids changed since {@link #drainChanged} so the coordinator can
 * publish them to the {@link TransactionView} once they are durable. Owned by the coordinator thread.
 */
final class TransactionStore {

    private final Map<String, TransactionSnapshot> byId = new TreeMap<>();
    private final Set<String> changed = new LinkedHashSet<>();

    void apply(TransactionSnapshot record) {
        byId.put(record.transactionalId(), record);
        changed.add(record.transactionalId());
    }

    void apply(TransactionRemoved record) {
        byId.remove(record.transactionalId());
        changed.add(record.transactionalId());
    }

    /** The state of {@code transactionalId}, or null. */
    TransactionSnapshot get(String transactionalId) {
        return byId.get(transactionalId);
    }

    Collection<TransactionSnapshot> all() {
        return Collections.unmodifiableCollection(byId.values());
    }

    /** Ids changed since the last call; the caller publishes their current state (null = removed). */
    List<String> drainChanged() {
        List<String> out = new ArrayList<>(changed);
        changed.clear();
        return out;
    }

    List<CoordinatorRecord> liveRecords() {
        return new ArrayList<>(byId.values());
    }
}
