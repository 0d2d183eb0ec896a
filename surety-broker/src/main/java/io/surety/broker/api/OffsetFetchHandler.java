package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.OffsetFetchRequestData;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics;
import org.apache.kafka.common.message.OffsetFetchResponseData;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartition;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopic;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.OffsetFetchRequest;

/**
 * OffsetFetch v1-9: one group (v1-7) or several (v8+). Every group is answered in the batched form
 * by the coordinator and flattened here for the old versions. With {@code requireStable} (v7+,
 * read_committed consumers) a partition whose offset is pending in an open transaction gets
 * UNSTABLE_OFFSET_COMMIT, and the consumer asks again.
 */
final class OffsetFetchHandler implements ApiHandler {

    private final GroupCoordinator groups;

    OffsetFetchHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.OFFSET_FETCH;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        OffsetFetchRequestData data = ((OffsetFetchRequest) request.body()).data();
        if (request.version() >= 8) {
            List<CompletableFuture<OffsetFetchResponseGroup>> answers = new ArrayList<>();
            for (OffsetFetchRequestGroup group : data.groups()) {
                answers.add(groups.fetchOffsets(group, data.requireStable()));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                answers.forEach(a -> response.groups().add(a.join()));
                return new ApiResponse.Send(response);
            });
        }
        OffsetFetchRequestGroup single = new OffsetFetchRequestGroup().setGroupId(data.groupId());
        if (data.topics() == null) {
            single.setTopics(null);
        } else {
            data.topics().forEach(t -> single.topics().add(new OffsetFetchRequestTopics().setName(t.name())
                    .setPartitionIndexes(t.partitionIndexes())));
        }
        return groups.fetchOffsets(single, data.requireStable())
                .thenApply(group -> new ApiResponse.Send(flatten(group)));
    }

    private static OffsetFetchResponseData flatten(OffsetFetchResponseGroup group) {
        OffsetFetchResponseData response = new OffsetFetchResponseData().setErrorCode(group.errorCode());
        for (OffsetFetchResponseTopics topic : group.topics()) {
            OffsetFetchResponseTopic out = new OffsetFetchResponseTopic().setName(topic.name());
            for (OffsetFetchResponsePartitions p : topic.partitions()) {
                out.partitions().add(new OffsetFetchResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setCommittedOffset(p.committedOffset()).setCommittedLeaderEpoch(p.committedLeaderEpoch())
                        .setMetadata(p.metadata()).setErrorCode(p.errorCode()));
            }
            response.topics().add(out);
        }
        return response;
    }
}
