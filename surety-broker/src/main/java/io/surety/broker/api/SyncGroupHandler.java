package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.SyncGroupRequest;

/** SyncGroup (classic protocol): followers wait until the leader's assignment is stored. */
final class SyncGroupHandler implements ApiHandler {

    private final GroupCoordinator groups;

    SyncGroupHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.SYNC_GROUP;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        SyncGroupRequest body = (SyncGroupRequest) request.body();
        return groups.syncGroup(body.data()).thenApply(ApiResponse.Send::new);
    }
}
