package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ListPartitionReassignmentsRequest;

/**
 * ListPartitionReassignments (v0), served in cluster mode only. Answered by the controller, as
 * Kafka's brokers forward it, so the list reflects every reassignment the controller has committed
 * even when this node's metadata is a moment behind: the partitions with a reassignment in
 * progress, with their replicas and those being added and removed. What
 * {@code kafka-reassign-partitions --verify} polls.
 */
final class ListPartitionReassignmentsHandler implements ApiHandler {

    private final ClusterView cluster;

    ListPartitionReassignmentsHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LIST_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ListPartitionReassignmentsRequestData data = ((ListPartitionReassignmentsRequest) request.body()).data();
        return cluster.sendToController(ApiKeys.LIST_PARTITION_REASSIGNMENTS, data).thenApply(ApiResponse.Send::new);
    }
}
