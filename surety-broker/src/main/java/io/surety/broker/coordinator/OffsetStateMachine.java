package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.ClassicGroup.State;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.internals.ConsumerProtocol;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.OffsetCommitRequestData;
import org.apache.kafka.common.message.OffsetCommitResponseData;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponsePartition;
import org.apache.kafka.common.message.OffsetCommitResponseData.OffsetCommitResponseTopic;
import org.apache.kafka.common.message.OffsetDeleteRequestData;
import org.apache.kafka.common.message.OffsetDeleteResponseData;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponsePartition;
import org.apache.kafka.common.message.OffsetDeleteResponseData.OffsetDeleteResponseTopic;
import org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseGroup;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponsePartitions;
import org.apache.kafka.common.message.OffsetFetchResponseData.OffsetFetchResponseTopics;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * OffsetCommit, OffsetFetch, OffsetDelete and offset expiry. A commit is checked against the
 * group's generation or member epoch before anything is written, so a commit from a fenced, stale
 * or unknown member never touches stored offsets. Runs on the coordinator thread only.
 */
final class OffsetStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(OffsetStateMachine.class);

    private final GroupStateMachine groups;
    private final GroupConfig config;
    private final TopicView topics;

    OffsetStateMachine(GroupStateMachine groups, GroupConfig config, TopicView topics) {
        this.groups = groups;
        this.config = config;
        this.topics = topics;
    }

    OffsetCommitResponseData commit(OffsetCommitRequestData request, short version, OperationContext ctx) {
        Errors groupError = request.groupId() == null || request.groupId().isEmpty()
                ? Errors.INVALID_GROUP_ID : OffsetCommitCheck.offsetCommit(groups.group(request.groupId()),
                        request.generationIdOrMemberEpoch(), request.memberId(), request.groupInstanceId(), version);
        OffsetCommitResponseData response = new OffsetCommitResponseData();
        for (OffsetCommitRequestData.OffsetCommitRequestTopic topic : request.topics()) {
            OffsetCommitResponseTopic out = new OffsetCommitResponseTopic().setName(topic.name()).setTopicId(topic.topicId());
            TopicView.Topic known = topics.byName(topic.name());
            for (OffsetCommitRequestData.OffsetCommitRequestPartition p : topic.partitions()) {
                Errors error = groupError;
                if (error == Errors.NONE) {
                    if (known == null || p.partitionIndex() < 0 || p.partitionIndex() >= known.partitionCount()) {
                        error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    } else if (p.committedMetadata() != null && p.committedMetadata().length() > config.offsetMetadataMaxBytes()) {
                        error = Errors.OFFSET_METADATA_TOO_LARGE;
                    } else {
                        ctx.write(new OffsetCommitted(request.groupId(), topic.name(), p.partitionIndex(),
                                p.committedOffset(), p.committedLeaderEpoch(),
                                p.committedMetadata() == null ? "" : p.committedMetadata(), ctx.nowMs()));
                    }
                }
                out.partitions().add(new OffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }

    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request) {
        return fetch(request, false);
    }

    /**
     * Committed offsets of one group. With {@code requireStable} (read_committed consumers), a
     * partition with an offset pending in an open transaction gets UNSTABLE_OFFSET_COMMIT, and the
     * client asks again once the transaction has ended (KIP-447).
     */
    OffsetFetchResponseGroup fetch(OffsetFetchRequestGroup request, boolean requireStable) {
        OffsetFetchResponseGroup out = new OffsetFetchResponseGroup().setGroupId(request.groupId());
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return out.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        if (groups.group(request.groupId()) instanceof ConsumerGroup group
                && (request.memberId() != null || request.memberEpoch() >= 0)) {
            ConsumerMemberState member = group.member(request.memberId());
            if (member == null) {
                return out.setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
            }
            if (member.memberEpoch() != request.memberEpoch()) {
                return out.setErrorCode(Errors.STALE_MEMBER_EPOCH.code());
            }
        }
        OffsetStore offsets = groups.offsets();
        if (request.topics() == null) {
            Map<String, OffsetFetchResponseTopics> byTopic = new LinkedHashMap<>();
            offsets.all(request.groupId()).forEach((tp, committed) -> byTopic
                    .computeIfAbsent(tp.topic(), t -> new OffsetFetchResponseTopics().setName(t))
                    .partitions().add(stable(request.groupId(), tp, partition(tp.partition(), committed), requireStable)));
            out.topics().addAll(byTopic.values());
            return out;
        }
        for (var topic : request.topics()) {
            OffsetFetchResponseTopics t = new OffsetFetchResponseTopics().setName(topic.name()).setTopicId(topic.topicId());
            for (int p : topic.partitionIndexes()) {
                TopicPartition tp = new TopicPartition(topic.name(), p);
                t.partitions().add(stable(request.groupId(), tp, partition(p, offsets.get(request.groupId(), tp)),
                        requireStable));
            }
            out.topics().add(t);
        }
        return out;
    }

    private OffsetFetchResponsePartitions stable(String groupId, TopicPartition tp, OffsetFetchResponsePartitions out,
            boolean requireStable) {
        if (requireStable && groups.pendingOffsets().hasPending(groupId, tp)) {
            return out.setErrorCode(Errors.UNSTABLE_OFFSET_COMMIT.code()).setCommittedOffset(-1).setCommittedLeaderEpoch(-1)
                    .setMetadata("");
        }
        return out;
    }

    private static OffsetFetchResponsePartitions partition(int index, OffsetCommitted committed) {
        OffsetFetchResponsePartitions out = new OffsetFetchResponsePartitions().setPartitionIndex(index);
        if (committed == null) {
            return out.setCommittedOffset(-1).setCommittedLeaderEpoch(-1).setMetadata("");
        }
        return out.setCommittedOffset(committed.offset()).setCommittedLeaderEpoch(committed.leaderEpoch())
                .setMetadata(committed.metadata());
    }

    OffsetDeleteResponseData delete(OffsetDeleteRequestData request, OperationContext ctx) {
        OffsetDeleteResponseData response = new OffsetDeleteResponseData();
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return response.setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        GroupKind group = groups.group(request.groupId());
        if (group == null) {
            return response.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code());
        }
        Set<String> subscribed;
        if (group instanceof ClassicGroup classic && !classic.isEmpty()) {
            if (!"consumer".equals(classic.protocolType())) {
                return response.setErrorCode(Errors.NON_EMPTY_GROUP.code());
            }
            subscribed = subscribedTopics(classic);
        } else if (group instanceof ConsumerGroup consumerGroup) {
            subscribed = new HashSet<>();
            consumerGroup.members().forEach(m -> subscribed.addAll(m.subscribedTopics()));
        } else {
            subscribed = Set.of();
        }
        for (var topic : request.topics()) {
            OffsetDeleteResponseTopic out = new OffsetDeleteResponseTopic().setName(topic.name());
            TopicView.Topic known = topics.byName(topic.name());
            for (var p : topic.partitions()) {
                Errors error = Errors.NONE;
                if (known == null || p.partitionIndex() < 0 || p.partitionIndex() >= known.partitionCount()) {
                    error = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                } else if (subscribed == null || subscribed.contains(topic.name())) {
                    error = Errors.GROUP_SUBSCRIBED_TO_TOPIC;
                } else if (groups.offsets().get(request.groupId(), new TopicPartition(topic.name(), p.partitionIndex())) != null) {
                    ctx.write(new OffsetRemoved(request.groupId(), topic.name(), p.partitionIndex()));
                }
                out.partitions().add(new OffsetDeleteResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(error.code()));
            }
            response.topics().add(out);
        }
        return response;
    }

    /** Topics the members of a classic consumer group subscribe to; null when a subscription cannot be read. */
    static Set<String> subscribedTopics(ClassicGroup group) {
        Set<String> out = new HashSet<>();
        for (ClassicMember member : group.members()) {
            byte[] metadata = member.metadata(group.protocolName());
            if (metadata == null) {
                return null;
            }
            try {
                out.addAll(ConsumerProtocol.deserializeSubscription(ByteBuffer.wrap(metadata)).topics());
            } catch (RuntimeException e) {
                return null;
            }
        }
        return out;
    }

    /**
     * Removes offsets past {@code offsets.retention.minutes}: for an empty group, counted from when
     * it became empty; for standalone commits and for topics nobody in the group subscribes to,
     * counted from the commit. Then removes empty groups left with no offsets.
     */
    void expire(OperationContext ctx) {
        long now = ctx.nowMs();
        int removed = 0;
        for (String groupId : new ArrayList<>(groups.offsets().groupIds())) {
            GroupKind group = groups.group(groupId);
            for (OffsetCommitted committed : new ArrayList<>(groups.offsets().all(groupId).values())) {
                long base = expiryBase(group, committed);
                if (base >= 0 && now - base >= config.offsetsRetentionMs()) {
                    ctx.write(new OffsetRemoved(groupId, committed.topic(), committed.partition()));
                    removed++;
                }
            }
        }
        List<String> emptyGroups = new ArrayList<>();
        for (GroupKind group : groups.groups()) {
            if (group.isEmpty() && !groups.offsets().hasOffsets(group.groupId())
                    && !groups.pendingOffsets().hasPending(group.groupId())) {
                emptyGroups.add(group.groupId());
            }
        }
        emptyGroups.forEach(id -> ctx.write(new GroupRemoved(id)));
        if (removed > 0 || !emptyGroups.isEmpty()) {
            LOG.info("Expired {} offsets and removed {} empty groups", removed, emptyGroups.size());
        }
    }

    /** When the retention clock of this offset started, or -1 if it does not run. */
    private static long expiryBase(GroupKind group, OffsetCommitted committed) {
        if (group instanceof ConsumerGroup consumerGroup) {
            return consumerGroup.isSubscribedTo(committed.topic()) ? -1 : committed.commitTimestampMs();
        }
        if (!(group instanceof ClassicGroup classic) || classic.protocolType() == null) {
            return committed.commitTimestampMs();
        }
        if (classic.isEmpty()) {
            return classic.stateTimestampMs();
        }
        if ("consumer".equals(classic.protocolType()) && classic.is(State.STABLE)) {
            Set<String> subscribed = subscribedTopics(classic);
            return subscribed != null && !subscribed.contains(committed.topic()) ? committed.commitTimestampMs() : -1;
        }
        return -1;
    }
}
