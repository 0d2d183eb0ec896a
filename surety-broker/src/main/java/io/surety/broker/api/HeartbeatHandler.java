package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.HeartbeatRequest;

/** Heartbeat (classic protocol): keeps a member's session alive and tells it of rebalances. */
final class HeartbeatHandler implements ApiHandler {

    private final GroupCoordinator groups;

    HeartbeatHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        HeartbeatRequest body = (HeartbeatRequest) request.body();
        return groups.heartbeat(body.data()).thenApply(ApiResponse.Send::new);
    }
}
