package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;

/** DescribeGroups: classic groups with their members; unknown groups are Dead (and GROUP_ID_NOT_FOUND from v6). */
final class DescribeGroupsHandler implements ApiHandler {

    private final GroupCoordinator groups;

    DescribeGroupsHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_GROUPS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeGroupsRequest body = (DescribeGroupsRequest) request.body();
        int operations = AuthorizedOperations.group(body.data().includeAuthorizedOperations());
        return groups.describeGroups(body.data().groups(), request.version()).thenApply(groups -> {
            groups.stream().filter(group -> group.errorCode() == Errors.NONE.code())
                    .forEach(group -> group.setAuthorizedOperations(operations));
            return new ApiResponse.Send(new DescribeGroupsResponseData().setGroups(groups));
        });
    }
}
