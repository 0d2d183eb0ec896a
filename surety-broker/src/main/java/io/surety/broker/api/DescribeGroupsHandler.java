package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.DescribeGroupsResponseData;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeGroupsRequest;
import org.apache.kafka.common.resource.ResourceType;

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
        Access access = request.access();
        boolean asked = body.data().includeAuthorizedOperations();
        List<String> allowed = body.data().groups().stream().filter(id -> !access.denied(ResourceType.GROUP, id)).toList();
        CompletableFuture<List<DescribedGroup>> described = allowed.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : groups.describeGroups(allowed, request.version());
        return described.thenApply(answers -> {
            answers.stream().filter(group -> group.errorCode() == Errors.NONE.code())
                    .forEach(group -> group.setAuthorizedOperations(AuthorizedOperations.group(access, group.groupId(), asked)));
            List<DescribedGroup> all = new ArrayList<>(answers);
            body.data().groups().stream().filter(id -> access.denied(ResourceType.GROUP, id))
                    .forEach(id -> all.add(new DescribedGroup().setGroupId(id)
                            .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                            .setAuthorizedOperations(AuthorizedOperations.OMITTED)));
            return new ApiResponse.Send(new DescribeGroupsResponseData().setGroups(all));
        });
    }
}
