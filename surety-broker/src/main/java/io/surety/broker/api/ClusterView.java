package io.surety.broker.api;

import io.surety.broker.cluster.ClusterImage;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * The cluster as the client-facing handlers see it in cluster mode: the committed metadata, this
 * node, the active controller, and a way to ask that controller for a decision. A single node has
 * no view, and its handlers keep answering from the local topic registry.
 *
 * <p>Thread-safe: every method may be called from any request-handler thread.
 */
public interface ClusterView {

    /** The newest committed metadata this node has applied ({@link ClusterImage#EMPTY} before any). */
    ClusterImage image();

    /** This node's id. */
    int nodeId();

    /** The node that leads the metadata quorum and so runs the controller, if this node knows of one. */
    OptionalInt activeControllerId();

    /** The node that leads the coordinator quorum group and so coordinates groups and transactions, if known. */
    OptionalInt coordinatorId();

    /**
     * Sends {@code request} (Kafka's request message of {@code api}) to the active controller,
     * wherever it runs, and completes with its answer (the response message of {@code api}) once the
     * decision is committed.
     *
     * <p>Fails with {@link org.apache.kafka.common.errors.NotControllerException} when no controller
     * took the request (the quorum has no leader, or leadership moved while it was decided), and with
     * {@link org.apache.kafka.common.errors.TimeoutException} when the controller did not answer in
     * time (no quorum majority to commit); Kafka's brokers answer a forwarded request that fails
     * these ways with NOT_CONTROLLER and REQUEST_TIMED_OUT, which clients retry.
     */
    CompletableFuture<ApiMessage> sendToController(ApiKeys api, ApiMessage request);
}
