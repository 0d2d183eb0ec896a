package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Assignment;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.DescribedGroup;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.Member;
import org.apache.kafka.common.message.ConsumerGroupDescribeResponseData.TopicPartitions;
import org.apache.kafka.common.protocol.Errors;

/** ConsumerGroupDescribe: consumer-protocol groups with each member's current and target assignment. */
final class ConsumerGroupDescriber {

    private static final byte CONSUMER_MEMBER_TYPE = 1;

    private final GroupStateMachine groups;

    ConsumerGroupDescriber(GroupStateMachine groups) {
        this.groups = groups;
    }

    List<DescribedGroup> describe(List<String> groupIds, short version) {
        List<DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            DescribedGroup described = new DescribedGroup().setGroupId(groupId);
            GroupKind group = groupId == null || groupId.isEmpty() ? null : groups.group(groupId);
            if (groupId == null || groupId.isEmpty()) {
                described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setErrorMessage("GroupId can't be empty.");
            } else if (!(group instanceof ConsumerGroup consumerGroup)) {
                described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(group == null
                        ? "Group " + groupId + " not found." : "Group " + groupId + " is not a consumer group.");
            } else {
                described.setGroupState(consumerGroup.stateName()).setGroupEpoch(consumerGroup.groupEpoch())
                        .setAssignmentEpoch(consumerGroup.assignmentEpoch())
                        .setAssignorName(groups.consumer().assignorOf(consumerGroup.members()));
                for (ConsumerMemberState m : consumerGroup.members()) {
                    Member member = new Member().setMemberId(m.memberId()).setInstanceId(m.instanceId())
                            .setRackId(m.rackId()).setMemberEpoch(m.memberEpoch()).setClientId(m.clientId())
                            .setClientHost(m.clientHost()).setSubscribedTopicNames(m.subscribedTopics())
                            .setSubscribedTopicRegex(m.subscribedRegex())
                            .setAssignment(toDescribe(m.assigned()))
                            .setTargetAssignment(toDescribe(consumerGroup.target(m.memberId())));
                    if (version >= 1) {
                        member.setMemberType(CONSUMER_MEMBER_TYPE);
                    }
                    described.members().add(member);
                }
            }
            out.add(described);
        }
        return out;
    }

    private Assignment toDescribe(io.surety.broker.coordinator.Assignment assignment) {
        Assignment out = new Assignment();
        assignment.partitions().forEach((id, partitions) -> {
            TopicView.Topic topic = groups.topics().byId(id);
            out.topicPartitions().add(new TopicPartitions().setTopicId(id).setTopicName(topic == null ? "" : topic.name())
                    .setPartitions(new ArrayList<>(partitions)));
        });
        return out;
    }
}
