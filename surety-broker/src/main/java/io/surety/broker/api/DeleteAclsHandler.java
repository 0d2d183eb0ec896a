package io.surety.broker.api;

import io.surety.broker.security.AccessControl;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.server.authorizer.AclDeleteResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteAcls v1-3 (ALTER on the cluster, checked by {@link AccessRules}): each filter is answered
 * with the ACLs it matched, all removed in one change before the answer leaves. Without an
 * authorizer: SECURITY_DISABLED. Stateless; the store orders changes. A change that cannot be made durable is answered KAFKA_STORAGE_ERROR and not applied.
 */
final class DeleteAclsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteAclsHandler.class);

    private final Optional<AccessControl> control;

    DeleteAclsHandler(Optional<AccessControl> control) {
        this.control = control;
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
        AccessControl acls = control.get();
        List<AclBindingFilter> filters = body.filters();
        List<List<AclBinding>> deleted;
        try {
            deleted = acls.store().change(() -> acls.acls().delete(filters));
        } catch (IOException e) {
            LOG.warn("Could not store the ACL removals from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The ACLs could not be stored", e);
        }
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        for (List<AclBinding> matched : deleted) {
            response.filterResults().add(DeleteAclsResponse.filterResult(new AclDeleteResult(matched.stream()
                    .map(AclDeleteResult.AclBindingDeleteResult::new).toList())));
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }
}
