package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;
import org.apache.kafka.common.resource.ResourceType;

/** ConsumerGroupDescribe (KIP-848): classic groups answer GROUP_ID_NOT_FOUND, so the Admin client falls back. */
final class ConsumerGroupDescribeHandler implements ApiHandler {

    private final GroupCoordinator groups;

    ConsumerGroupDescribeHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_DESCRIBE;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ConsumerGroupDescribeRequest body = (ConsumerGroupDescribeRequest) request.body();
        boolean asked = body.data().includeAuthorizedOperations();
        Access access = request.access();
        List<String> allowed = body.data().groupIds().stream().filter(id -> !access.denied(ResourceType.GROUP, id)).toList();
        CompletableFuture<List<DescribedGroup>> described = allowed.isEmpty()
                ? CompletableFuture.completedFuture(List.of()) : groups.consumerGroupDescribe(allowed, request.version());
        return described.thenApply(answers -> {
            List<DescribedGroup> groups = new ArrayList<>(answers);
            groups.stream().filter(group -> group.errorCode() == Errors.NONE.code())
                    .forEach(group -> group.setAuthorizedOperations(AuthorizedOperations.group(access, group.groupId(), asked)));
            body.data().groupIds().stream().filter(id -> access.denied(ResourceType.GROUP, id))
                    .forEach(id -> groups.add(new DescribedGroup().setGroupId(id)
                            .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())
                            .setErrorMessage(Errors.GROUP_AUTHORIZATION_FAILED.message())));
            return new ApiResponse.Send(new ConsumerGroupDescribeResponseData().setGroups(groups));
        });
    }
}
