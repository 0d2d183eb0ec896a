package io.surety.broker.quorum;

import java.util.concurrent.CompletableFuture;

/**
 * Answers requests sent to the quorum's leader with {@link RatisQuorum#request}: the decisions only
 * the leader takes (registering a broker, a heartbeat, an ISR change), which read the applied state,
 * propose entries with {@link RatisQuorum#propose} and answer once those are applied.
 *
 * <p>Called on transport threads of the leader, possibly concurrently: an implementation serialises
 * its decisions itself (a single decision thread).
 */
@FunctionalInterface
public interface QuorumRequestHandler {

    /**
     * @param request the bytes given to {@link RatisQuorum#request} on some member
     * @return the answer's bytes; a failed future fails the request on the sender's side
     */
    CompletableFuture<byte[]> handle(byte[] request);
}
