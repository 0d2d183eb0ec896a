package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetDeleteRequest;

/** OffsetDelete: removes committed offsets of partitions the group no longer consumes. */
final class OffsetDeleteHandler implements ApiHandler {

    private final GroupCoordinator groups;

    OffsetDeleteHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_DELETE;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        OffsetDeleteRequest body = (OffsetDeleteRequest) request.body();
        return groups.deleteOffsets(body.data()).thenApply(ApiResponse.Send::new);
    }
}
