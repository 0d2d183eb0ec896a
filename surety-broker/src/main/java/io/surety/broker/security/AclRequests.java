package io.surety.broker.security;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsRequestData.AclCreation;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsRequest;
import org.apache.kafka.common.requests.DeleteAclsResponse;
import org.apache.kafka.server.authorizer.AclDeleteResult;

/**
 * CreateAcls and DeleteAcls decided against an {@link AclState}: the records of the change and the
 * answer to give once they are durable (a single node's store) or committed (a cluster's
 * controller, deciding against the ACLs of its metadata image). Stateless.
 */
public final class AclRequests {

    private AclRequests() {
    }

    /**
     * Each ACL answered on its own: INVALID_REQUEST for one that names a wildcard (ANY, MATCH) where a
     * concrete value is needed, else as {@link AclState#create} decides.
     */
    public static SecurityChange<CreateAclsResponseData> create(CreateAclsRequestData data, AclState acls) {
        List<ApiException> unreadable = new ArrayList<>();
        List<AclBinding> bindings = new ArrayList<>();
        for (AclCreation creation : data.creations()) {
            try {
                bindings.add(CreateAclsRequest.aclBinding(creation));
                unreadable.add(null);
            } catch (IllegalArgumentException e) {
                // A wildcard (ANY, MATCH) where a concrete value is needed: no ACL can hold it.
                unreadable.add(new InvalidRequestException(e.getMessage()));
            }
        }
        SecurityChange<List<ApiException>> change = acls.create(bindings);
        Iterator<ApiException> next = change.answer().iterator();
        CreateAclsResponseData response = new CreateAclsResponseData();
        for (ApiException invalid : unreadable) {
            ApiException failure = invalid != null ? invalid : next.next();
            response.results().add(failure == null ? new AclCreationResult().setErrorCode(Errors.NONE.code())
                    : new AclCreationResult().setErrorCode(Errors.forException(failure).code())
                            .setErrorMessage(failure.getMessage()));
        }
        return new SecurityChange<>(change.records(), response);
    }

    /** Each filter answered with the ACLs it matched, all removed in one change. */
    public static SecurityChange<DeleteAclsResponseData> delete(DeleteAclsRequestData data, AclState acls) {
        List<AclBindingFilter> filters = new DeleteAclsRequest.Builder(data)
                .build(ApiKeys.DELETE_ACLS.latestVersion()).filters();
        SecurityChange<List<List<AclBinding>>> change = acls.delete(filters);
        DeleteAclsResponseData response = new DeleteAclsResponseData();
        for (List<AclBinding> matched : change.answer()) {
            response.filterResults().add(DeleteAclsResponse.filterResult(new AclDeleteResult(matched.stream()
                    .map(AclDeleteResult.AclBindingDeleteResult::new).toList())));
        }
        return new SecurityChange<>(change.records(), response);
    }
}
