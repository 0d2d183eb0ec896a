package io.surety.broker.api;

import io.surety.broker.api.ClusterDescription.LiveBroker;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * FindCoordinator (v0-6; v4+ batches keys): one node coordinates every group and every
 * transactional id: this one on a single node; in a cluster, the leader of the coordinator quorum
 * group ({@link ClusterView#coordinatorId}), named at its endpoint on the listener the request came
 * in on, or COORDINATOR_NOT_AVAILABLE (which clients retry) while the group has no leader that is a
 * live broker. Share-group keys (v6) get INVALID_REQUEST, as Kafka answers when share
 * groups are disabled.
 */
final class FindCoordinatorHandler implements ApiHandler {

    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    FindCoordinatorHandler(BrokerNode localNode, Optional<ClusterView> cluster) {
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FIND_COORDINATOR;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        FindCoordinatorRequestData data = ((FindCoordinatorRequest) request.body()).data();
        FindCoordinatorResponseData response = new FindCoordinatorResponseData();
        if (request.version() >= 4) {
            for (String key : data.coordinatorKeys()) {
                response.coordinators().add(lookup(data.keyType(), key, request.listenerName(), request.access()));
            }
        } else {
            Coordinator only = lookup(data.keyType(), data.key(), request.listenerName(), request.access());
            response.setErrorCode(only.errorCode()).setErrorMessage(only.errorMessage()).setNodeId(only.nodeId())
                    .setHost(only.host()).setPort(only.port());
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private Coordinator lookup(byte keyType, String key, String listener, Access access) {
        Coordinator out = new Coordinator().setKey(key).setNodeId(-1).setHost("").setPort(-1);
        CoordinatorType type;
        try {
            type = CoordinatorType.forId(keyType);
        } catch (IllegalArgumentException e) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Unknown key type " + keyType);
        }
        if (type != CoordinatorType.GROUP && type != CoordinatorType.TRANSACTION) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Share groups are not supported");
        }
        if (type == CoordinatorType.GROUP && access.denied(ResourceType.GROUP, key)) {
            return out.setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.GROUP_AUTHORIZATION_FAILED.message());
        }
        if (type == CoordinatorType.TRANSACTION && access.denied(ResourceType.TRANSACTIONAL_ID, key)) {
            return out.setErrorCode(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code())
                    .setErrorMessage(Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.message());
        }
        if (key == null || key.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(type == CoordinatorType.GROUP ? "Empty group id" : "Empty transactional id");
        }
        if (cluster.isPresent()) {
            return inCluster(cluster.get(), listener, out);
        }
        var node = localNode.metadataBroker();
        return out.setNodeId(node.nodeId()).setHost(node.host()).setPort(node.port()).setErrorCode(Errors.NONE.code())
                .setErrorMessage(null);
    }

    /** The node leading the coordinator quorum group, at its endpoint on {@code listener}. */
    private static Coordinator inCluster(ClusterView view, String listener, Coordinator out) {
        OptionalInt coordinator = view.coordinatorId();
        if (coordinator.isEmpty()) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("The coordinator quorum group has no leader yet");
        }
        Optional<LiveBroker> node = ClusterDescription.liveBroker(view.image(), coordinator.getAsInt(), listener);
        if (node.isEmpty()) {
            return out.setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code())
                    .setErrorMessage("The coordinator, node " + coordinator.getAsInt()
                            + ", is not a live broker with a listener " + listener);
        }
        return out.setNodeId(node.get().brokerId()).setHost(node.get().endpoint().host())
                .setPort(node.get().endpoint().port()).setErrorCode(Errors.NONE.code()).setErrorMessage(null);
    }

}
