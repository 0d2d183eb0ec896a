package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetCommitRequest;

/**
 * OffsetCommit v2-9. The coordinator checks the generation (classic) or member epoch (v9,
 * consumer protocol) and answers once the offsets are durable. v10 (topic ids) is not served yet.
 */
final class OffsetCommitHandler implements ApiHandler {

    private final GroupCoordinator groups;

    OffsetCommitHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_COMMIT;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        OffsetCommitRequest body = (OffsetCommitRequest) request.body();
        return groups.commitOffsets(body.data(), request.version()).thenApply(ApiResponse.Send::new);
    }
}
