package io.surety.broker.api;

import io.surety.broker.security.AccessControl;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateAcls v1-3 (ALTER on the cluster, checked by {@link AccessRules}). Each ACL is answered on
 * its own, as Kafka answers it: INVALID_REQUEST for a pattern or operation that is not concrete,
 * an empty name, or a cluster not named {@code kafka-cluster}; success for an ACL that exists
 * already, without a second copy. (Kafka's broker fails the whole request with
 * UNKNOWN_SERVER_ERROR when a wildcard such as MATCH cannot even be read as an ACL; here that one
 * ACL gets the INVALID_REQUEST its controller would give.) The ACLs are stored (and apply from the next request) before
 * the answer leaves. Without an authorizer: SECURITY_DISABLED. Stateless; the store orders changes. A change that cannot be made durable is answered KAFKA_STORAGE_ERROR and not applied.
 */
final class CreateAclsHandler implements ApiHandler {

    static final String NO_AUTHORIZER = "No Authorizer is configured.";

    private static final Logger LOG = LoggerFactory.getLogger(CreateAclsHandler.class);

    private final Optional<AccessControl> control;

    CreateAclsHandler(Optional<AccessControl> control) {
        this.control = control;
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
        AccessControl acls = control.get();
        List<ApiException> unreadable = new ArrayList<>();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclCreation creation : body.aclCreations()) {
            try {
                bindings.add(CreateAclsRequest.aclBinding(creation));
                unreadable.add(null);
            } catch (IllegalArgumentException e) {
                // A wildcard (ANY, MATCH) where a concrete value is needed: no ACL can hold it.
                unreadable.add(new InvalidRequestException(e.getMessage()));
            }
        }
        List<ApiException> created;
        try {
            created = acls.store().change(() -> acls.acls().create(bindings));
        } catch (IOException e) {
            LOG.warn("Could not store the ACLs to create from {}: {}", request.clientAddress(), e.toString());
            throw new KafkaStorageException("The ACLs could not be stored", e);
        }
        Iterator<ApiException> next = created.iterator();
        CreateAclsResponseData response = new CreateAclsResponseData();
        for (ApiException invalid : unreadable) {
            ApiException failure = invalid != null ? invalid : next.next();
            response.results().add(failure == null ? new AclCreationResult().setErrorCode(Errors.NONE.code())
                    : new AclCreationResult().setErrorCode(Errors.forException(failure).code())
                            .setErrorMessage(failure.getMessage()));
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }
}
