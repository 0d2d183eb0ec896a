package io.surety.harness;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The correlation ids, on one connection, whose responses are to be swallowed, each with the drop
 * budget it was claimed from.
 *
 * <p>Thread-safe: the request pump adds, the response pump completes, and whichever thread closes
 * the connection releases. A claim whose response never completed (the connection closed first)
 * goes back to its budget, so a rule swallows exactly its count as long as requests keep coming.
 */
final class PendingDrops {

    private final ConcurrentHashMap<Integer, AtomicInteger> claims = new ConcurrentHashMap<>();

    /** Records that the response to {@code correlationId} is to be swallowed. */
    void add(int correlationId, AtomicInteger budget) {
        AtomicInteger replaced = claims.put(correlationId, budget);
        if (replaced != null) {
            replaced.incrementAndGet();
        }
    }

    boolean isEmpty() {
        return claims.isEmpty();
    }

    boolean contains(int correlationId) {
        return claims.containsKey(correlationId);
    }

    /** Consumes the claim; {@code false} if it was already released. */
    boolean complete(int correlationId) {
        return claims.remove(correlationId) != null;
    }

    /** Gives every outstanding claim back to its budget. */
    void releaseAll() {
        for (Integer correlationId : claims.keySet()) {
            AtomicInteger budget = claims.remove(correlationId);
            if (budget != null) {
                budget.incrementAndGet();
            }
        }
    }
}
