package io.surety.broker.api;

import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AclRequests;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteAcls v1-3 (ALTER on the cluster, checked by {@link AccessRules}): each filter is answered
 * with the ACLs it matched, all removed in one change before the answer leaves
 * ({@link AclRequests#delete}): stored on a single node (KAFKA_STORAGE_ERROR, and nothing removed,
 * when that fails), committed by the active controller in cluster mode. Without an authorizer:
 * SECURITY_DISABLED. Stateless.
 */
final class DeleteAclsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteAclsHandler.class);

    private final Optional<AccessControl> control;
    private final Optional<ClusterView> cluster;

    DeleteAclsHandler(Optional<AccessControl> control, Optional<ClusterView> cluster) {
        this.control = control;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_ACLS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DeleteAclsRequest body = (DeleteAclsRequest) request.body();
        if (control.isEmpty()) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    body.getErrorResponse(0, new SecurityDisabledException(CreateAclsHandler.NO_AUTHORIZER)).data()));
        }
        DeleteAclsRequestData data = body.data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.DELETE_ACLS, data).handle((answer, failure) ->
                    new ApiResponse.Send(failure == null ? answer
                            : body.getErrorResponse(0, CreateAclsHandler.unwrap(failure)).data()));
        }
        AccessControl acls = control.get();
        try {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    acls.store().change(() -> AclRequests.delete(data, acls.acls()))));
        } catch (IOException e) {
            LOG.warn("Could not store the ACL removals from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The ACLs could not be stored", e);
        }
    }
}
