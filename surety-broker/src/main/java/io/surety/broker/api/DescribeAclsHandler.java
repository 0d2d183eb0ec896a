package io.surety.broker.api;

import io.surety.broker.security.AccessControl;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.SecurityDisabledException;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeAclsRequest;
import org.apache.kafka.common.requests.DescribeAclsResponse;

/**
 * DescribeAcls v1-3 (DESCRIBE on the cluster, checked by {@link AccessRules}): the ACLs the filter
 * matches, grouped by resource as Kafka groups them. Without an authorizer: SECURITY_DISABLED.
 * Stateless.
 */
final class DescribeAclsHandler implements ApiHandler {

    private final Optional<AccessControl> control;

    DescribeAclsHandler(Optional<AccessControl> control) {
        this.control = control;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_ACLS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeAclsRequest body = (DescribeAclsRequest) request.body();
        if (control.isEmpty()) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    body.getErrorResponse(0, new SecurityDisabledException(CreateAclsHandler.NO_AUTHORIZER)).data()));
        }
        DescribeAclsResponseData response = new DescribeAclsResponseData().setErrorCode(Errors.NONE.code())
                .setResources(DescribeAclsResponse.aclsResources(control.get().authorizer().acls(body.filter())));
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }
}
