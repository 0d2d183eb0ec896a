package io.surety.broker.api;

import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DescribeQuorumRequest;

/**
 * DescribeQuorum (v0-2), served in cluster mode only: forwarded to the active controller, which
 * answers with the metadata quorum's leader, term, commit point and each voter's progress, as Kafka's
 * brokers forward it to theirs. What {@code kafka-metadata-quorum describe} sends.
 *
 * <p>The controller answers at the newest version; the fields an older client's version lacks are
 * cleared before sending ({@link #forVersion}), as Kafka's quorum builds each answer per version.
 */
final class DescribeQuorumHandler implements ApiHandler {

    private final ClusterView cluster;

    DescribeQuorumHandler(ClusterView cluster) {
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_QUORUM;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeQuorumRequestData data = ((DescribeQuorumRequest) request.body()).data();
        return cluster.sendToController(ApiKeys.DESCRIBE_QUORUM, data)
                .thenApply(answer -> new ApiResponse.Send(forVersion((DescribeQuorumResponseData) answer, request.version())));
    }

    /**
     * {@code answer} with only what {@code version} carries: the voters' directory ids and the nodes
     * from v2, the fetch and catch-up times from v1.
     */
    static DescribeQuorumResponseData forVersion(DescribeQuorumResponseData answer, short version) {
        if (version < 2) {
            answer.setNodes(new DescribeQuorumResponseData.NodeCollection());
        }
        for (DescribeQuorumResponseData.TopicData topic : answer.topics()) {
            for (DescribeQuorumResponseData.PartitionData partition : topic.partitions()) {
                partition.currentVoters().forEach(voter -> clearNewerFields(voter, version));
                partition.observers().forEach(observer -> clearNewerFields(observer, version));
            }
        }
        return answer;
    }

    private static void clearNewerFields(DescribeQuorumResponseData.ReplicaState replica, short version) {
        if (version < 2) {
            replica.setReplicaDirectoryId(Uuid.ZERO_UUID);
        }
        if (version < 1) {
            replica.setLastFetchTimestamp(-1).setLastCaughtUpTimestamp(-1);
        }
    }
}
