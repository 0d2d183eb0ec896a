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
 * FindCoordinator (v0-6; v4+ batches keys): this node coordinates every group.
 *
 * <p>Transaction keys are answered with UNSUPPORTED_VERSION and a message until the transaction
 * coordinator exists. Kafka would answer COORDINATOR_NOT_AVAILABLE while its transaction log is
 * being created, but that code is retriable: a transactional producer would retry it until
 * {@code max.block.ms} and then time out with no hint why. A non-retriable code makes
 * {@code initTransactions()} fail at once with a KafkaException carrying the message. Share-group
 * keys (v6) get INVALID_REQUEST, as Kafka answers when share groups are disabled.
 */
final class FindCoordinatorHandler implements ApiHandler {

    static final String NO_TRANSACTIONS = "Transactions are not supported by this broker yet";

    private final BrokerServices services;

    FindCoordinatorHandler(BrokerServices services) {
        this.services = services;
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
        if (type == CoordinatorType.TRANSACTION) {
            return out.setErrorCode(Errors.UNSUPPORTED_VERSION.code()).setErrorMessage(NO_TRANSACTIONS);
        }
        if (type != CoordinatorType.GROUP) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Share groups are not supported");
        }
        if (key == null || key.isEmpty()) {
            return out.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Empty group id");
        }
        var node = BrokerNode.metadataBroker(services);
        return out.setNodeId(node.nodeId()).setHost(node.host()).setPort(node.port()).setErrorCode(Errors.NONE.code())
                .setErrorMessage(null);
    }

}
