package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.AlterPartitionReassignmentsRequest;

/**
 * AlterPartitionReassignments (v0-1), served in cluster mode only: a single node has no other
 * broker to move a replica to. The request goes to the controller as it came, which starts,
 * changes or (with a null target) cancels each partition's reassignment and answers per partition
 * once the change is committed; the new replicas then catch up and the old ones are dropped (see
 * {@code cluster.Reassignments}). What {@code kafka-reassign-partitions --execute} and
 * {@code --cancel} send.
 */
final class AlterPartitionReassignmentsHandler implements ApiHandler {

    private final ClusterView cluster;

    AlterPartitionReassignmentsHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_PARTITION_REASSIGNMENTS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AlterPartitionReassignmentsRequestData data = ((AlterPartitionReassignmentsRequest) request.body()).data();
        return cluster.sendToController(ApiKeys.ALTER_PARTITION_REASSIGNMENTS, data).thenApply(ApiResponse.Send::new);
    }
}
