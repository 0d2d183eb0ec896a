package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
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
        OffsetCommitRequestData data = ((OffsetCommitRequest) request.body()).data();
        List<OffsetCommitRequestTopic> denied = data.topics().stream()
                .filter(topic -> request.access().deniedTopic(topic.name())).toList();
        if (denied.isEmpty()) {
            return groups.commitOffsets(data, request.version()).thenApply(ApiResponse.Send::new);
        }
        // The topics the requester may not READ are answered here; the others are committed.
        OffsetCommitRequestData allowed = data.duplicate();
        allowed.topics().removeIf(topic -> request.access().deniedTopic(topic.name()));
        CompletableFuture<OffsetCommitResponseData> committed = allowed.topics().isEmpty()
                ? CompletableFuture.completedFuture(new OffsetCommitResponseData())
                : groups.commitOffsets(allowed, request.version());
        return committed.thenApply(response -> {
            for (OffsetCommitRequestTopic topic : denied) {
                OffsetCommitResponseTopic answer = new OffsetCommitResponseTopic().setName(topic.name());
                topic.partitions().forEach(partition -> answer.partitions().add(new OffsetCommitResponsePartition()
                        .setPartitionIndex(partition.partitionIndex())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                response.topics().add(answer);
            }
            return new ApiResponse.Send(response);
        });
    }
}
