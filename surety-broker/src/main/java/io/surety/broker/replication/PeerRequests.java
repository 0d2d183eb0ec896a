package io.surety.broker.replication;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;

/**
 * Sends Kafka requests to other brokers of the cluster: the follower's Fetch, and later the
 * coordinator's WriteTxnMarkers. Implemented by the network layer; this package never sees a socket.
 */
public interface PeerRequests extends AutoCloseable {

    /**
     * Sends one request to {@code target} at the newest version both ends serve. Requests to one
     * broker travel on one connection and are answered in the order sent.
     *
     * @return the response; fails with an {@link java.io.IOException} when the connection cannot be
     *     made or closes before the answer arrives (the caller backs off and retries)
     */
    CompletableFuture<AbstractResponse> send(BrokerEndpoint target, AbstractRequest.Builder<?> request);

    @Override
    void close();
}
