package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.LeaveGroupRequest;

/** LeaveGroup (classic protocol; v3+ names several members, static ones by instance id). */
final class LeaveGroupHandler implements ApiHandler {

    private final GroupCoordinator groups;

    LeaveGroupHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.LEAVE_GROUP;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        LeaveGroupRequest body = (LeaveGroupRequest) request.body();
        return groups.leaveGroup(body.data(), request.version()).thenApply(ApiResponse.Send::new);
    }
}
