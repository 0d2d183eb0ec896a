package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ConsumerGroupDescribeRequest;

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
        return groups.consumerGroupDescribe(body.data().groupIds(), request.version()).thenApply(groups -> {
            groups.stream().filter(group -> group.errorCode() == Errors.NONE.code())
                    .forEach(group -> group.setAuthorizedOperations(
                            AuthorizedOperations.group(request.access(), group.groupId(), asked)));
            return new ApiResponse.Send(new ConsumerGroupDescribeResponseData().setGroups(groups));
        });
    }
}
