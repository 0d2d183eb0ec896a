package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ElectLeadersRequest;

/**
 * ElectLeaders (v0-2; v0 always PREFERRED), served in cluster mode only: a single node has no
 * other replica to elect. The request goes to the controller as it came, which elects the
 * preferred replica where it is live and in the ISR, or with UNCLEAN a live replica of a
 * leaderless partition even outside the ISR, and answers per partition (ELECTION_NOT_NEEDED,
 * PREFERRED_LEADER_NOT_AVAILABLE, ELIGIBLE_LEADERS_NOT_AVAILABLE, UNKNOWN_TOPIC_OR_PARTITION) once
 * the new leaders are committed; all partitions when none are named. What {@code
 * kafka-leader-election} sends.
 */
final class ElectLeadersHandler implements ApiHandler {

    private final ClusterView cluster;

    ElectLeadersHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ELECT_LEADERS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ElectLeadersRequestData data = ((ElectLeadersRequest) request.body()).data();
        return cluster.sendToController(ApiKeys.ELECT_LEADERS, data).thenApply(ApiResponse.Send::new);
    }
}
