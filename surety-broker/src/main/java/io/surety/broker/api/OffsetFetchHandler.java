package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.acl.AclOperation;
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
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.OffsetFetchRequest;
import org.apache.kafka.common.resource.ResourceType;

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
        Access access = request.access();
        if (request.version() >= 8) {
            List<CompletableFuture<OffsetFetchResponseGroup>> answers = new ArrayList<>();
            for (OffsetFetchRequestGroup group : data.groups()) {
                answers.add(access.denied(ResourceType.GROUP, group.groupId())
                        ? CompletableFuture.completedFuture(new OffsetFetchResponseGroup().setGroupId(group.groupId())
                                .setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code()))
                        : groups.fetchOffsets(group, data.requireStable())
                                .thenApply(answer -> withTopicAccess(answer, group.topics() == null, access)));
            }
            return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new)).thenApply(done -> {
                OffsetFetchResponseData response = new OffsetFetchResponseData();
                answers.forEach(a -> response.groups().add(a.join()));
                return new ApiResponse.Send(response);
            });
        }
        if (access.denied(ResourceType.GROUP, data.groupId())) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(
                    new OffsetFetchResponseData().setErrorCode(Errors.GROUP_AUTHORIZATION_FAILED.code())));
        }
        OffsetFetchRequestGroup single = new OffsetFetchRequestGroup().setGroupId(data.groupId());
        if (data.topics() == null) {
            single.setTopics(null);
        } else {
            data.topics().forEach(t -> single.topics().add(new OffsetFetchRequestTopics().setName(t.name())
                    .setPartitionIndexes(t.partitionIndexes())));
        }
        return groups.fetchOffsets(single, data.requireStable())
                .thenApply(group -> new ApiResponse.Send(flatten(withTopicAccess(group, data.topics() == null, access))));
    }

    /**
     * Topics the requester may not DESCRIBE: left out of an all-topics answer, and answered
     * TOPIC_AUTHORIZATION_FAILED (with no offset) when named, as Kafka answers them.
     */
    private static OffsetFetchResponseGroup withTopicAccess(OffsetFetchResponseGroup group, boolean allTopics,
            Access access) {
        if (!access.checked()) {
            return group;
        }
        List<OffsetFetchResponseTopics> kept = new ArrayList<>();
        for (OffsetFetchResponseTopics topic : group.topics()) {
            boolean allowed = allTopics ? access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())
                    : access.allows(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name());
            if (allowed) {
                kept.add(topic);
            } else if (!allTopics) {
                topic.partitions().forEach(partition -> partition.setCommittedOffset(-1).setCommittedLeaderEpoch(-1)
                        .setMetadata("").setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                kept.add(topic);
            }
        }
        return group.setTopics(kept);
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
