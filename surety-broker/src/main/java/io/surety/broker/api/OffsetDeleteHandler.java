package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartitionCollection;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
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
        OffsetDeleteRequestData data = ((OffsetDeleteRequest) request.body()).data();
        Access access = request.access();
        if (data.topics().stream().noneMatch(topic -> access.deniedTopic(topic.name()))) {
            return groups.deleteOffsets(data).thenApply(ApiResponse.Send::new);
        }
        // The topics the requester may not READ are answered here; the others are deleted.
        OffsetDeleteRequestData allowed = data.duplicate();
        allowed.topics().removeIf(topic -> access.deniedTopic(topic.name()));
        return groups.deleteOffsets(allowed).thenApply(response -> {
            for (OffsetDeleteRequestTopic topic : data.topics()) {
                if (access.deniedTopic(topic.name())) {
                    OffsetDeleteResponsePartitionCollection denied = new OffsetDeleteResponsePartitionCollection();
                    topic.partitions().forEach(partition -> denied.add(new OffsetDeleteResponsePartition()
                            .setPartitionIndex(partition.partitionIndex())
                            .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())));
                    response.topics().add(new OffsetDeleteResponseTopic().setName(topic.name()).setPartitions(denied));
                }
            }
            return new ApiResponse.Send(response);
        });
    }
}
