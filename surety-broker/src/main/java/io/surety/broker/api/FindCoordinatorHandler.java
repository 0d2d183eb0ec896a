package io.surety.broker.api;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.FindCoordinatorRequestData;
import org.apache.kafka.common.message.FindCoordinatorResponseData;
import org.apache.kafka.common.message.FindCoordinatorResponseData.Coordinator;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FindCoordinatorRequest;
import org.apache.kafka.common.requests.FindCoordinatorRequest.CoordinatorType;

/**
 * FindCoordinator (v0-6; v4+ batches keys): this node coordinates every group and every
 * transactional id. Share-group keys (v6) get INVALID_REQUEST, as Kafka answers when share
 * groups are disabled.
 */
final class FindCoordinatorHandler implements ApiHandler {

    private final BrokerNode localNode;

    FindCoordinatorHandler(BrokerNode localNode) {
        this.localNode = localNode;
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
                response.coordinators().add(lookup(data.keyType(), key));
            }
        } else {
            Coordinator only = lookup(data.keyType(), data.key());
            response.setErrorCode(only.errorCode()).setErrorMessage(only.errorMessage()).setNodeId(only.nodeId())
                    .setHost(only.host()).setPort(only.port());
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private Coordinator lookup(byte keyType, String key) {
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
        if (key == null || key.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code())
                    .setErrorMessage(type == CoordinatorType.GROUP ? "Empty group id" : "Empty transactional id");
        }
        var node = localNode.metadataBroker();
        return out.setNodeId(node.nodeId()).setHost(node.host()).setPort(node.port()).setErrorCode(Errors.NONE.code())
                .setErrorMessage(null);
    }

}
