package io.surety.broker.api;

import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AclRequests;
import java.io.IOException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateAcls v1-3 (ALTER on the cluster, checked by {@link AccessRules}). Each ACL is answered on
 * its own, as Kafka answers it ({@link AclRequests#create}): INVALID_REQUEST for a pattern or
 * operation that is not concrete, an empty name, or a cluster not named {@code kafka-cluster};
 * success for an ACL that exists already, without a second copy. (Kafka's broker fails the whole
 * request with UNKNOWN_SERVER_ERROR when a wildcard such as MATCH cannot even be read as an ACL;
 * here that one ACL gets the INVALID_REQUEST its controller would give.) On a single node the ACLs
 * are stored (and apply from the next request) before the answer leaves, and a change that cannot
 * be made durable is answered KAFKA_STORAGE_ERROR and not applied; in cluster mode the request goes
 * to the active controller, which commits the change to the replicated metadata, from where every
 * node's authorizer takes it. Without an authorizer: SECURITY_DISABLED. Stateless.
 */
final class CreateAclsHandler implements ApiHandler {

    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private static final Logger LOG = LoggerFactory.getLogger(CreateAclsHandler.class);

    private final Optional<AccessControl> control;
    private final Optional<ClusterView> cluster;

    CreateAclsHandler(Optional<AccessControl> control, Optional<ClusterView> cluster) {
        this.control = control;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_ACLS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        CreateAclsRequest body = (CreateAclsRequest) request.body();
        if (control.isEmpty()) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    body.getErrorResponse(0, new SecurityDisabledException(NO_AUTHORIZER)).data()));
        }
        CreateAclsRequestData data = body.data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.CREATE_ACLS, data).handle((answer, failure) ->
                    new ApiResponse.Send(failure == null ? answer : body.getErrorResponse(0, unwrap(failure)).data()));
        }
        AccessControl acls = control.get();
        try {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    acls.store().change(() -> AclRequests.create(data, acls.acls()))));
        } catch (IOException e) {
            LOG.warn("Could not store the ACLs to create from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The ACLs could not be stored", e);
        }
    }

    static Throwable unwrap(Throwable failure) {
        return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    }
}
