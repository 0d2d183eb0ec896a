package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.JoinGroupRequest;

/** JoinGroup (classic protocol): parked by the coordinator until the group's join phase completes. */
final class JoinGroupHandler implements ApiHandler {

    private final GroupCoordinator groups;

    JoinGroupHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.JOIN_GROUP;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        JoinGroupRequest body = (JoinGroupRequest) request.body();
        return groups.joinGroup(body.data(), GroupClients.clientId(request), GroupClients.host(request),
                request.version()).thenApply(ApiResponse.Send::new);
    }
}
