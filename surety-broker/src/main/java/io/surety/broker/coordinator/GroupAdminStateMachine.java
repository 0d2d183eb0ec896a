package io.surety.broker.coordinator;

import io.surety.broker.coordinator.ClassicGroup.State;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.message.DeleteGroupsResponseData.DeletableGroupResult;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroup;
import org.apache.kafka.common.message.DescribeGroupsResponseData.DescribedGroupMember;
import org.apache.kafka.common.message.ListGroupsResponseData.ListedGroup;
import org.apache.kafka.common.protocol.Errors;

/** DescribeGroups, ListGroups and DeleteGroups. Runs on the coordinator thread only. */
final class GroupAdminStateMachine {

    private static final byte[] NONE = new byte[0];

    private final GroupStateMachine groups;

    GroupAdminStateMachine(GroupStateMachine groups) {
        this.groups = groups;
    }

    List<DescribedGroup> describe(List<String> groupIds, short version) {
        List<DescribedGroup> out = new ArrayList<>();
        for (String groupId : groupIds) {
            DescribedGroup described = new DescribedGroup().setGroupId(groupId);
            ClassicGroup group = groups.classic(groupId);
            if (groupId == null || groupId.isEmpty()) {
                described.setErrorCode(Errors.INVALID_GROUP_ID.code()).setGroupState("");
            } else if (group == null) {
                described.setGroupState(State.DEAD.kafkaName).setProtocolType("").setProtocolData("");
                if (version >= 6) {
                    described.setErrorCode(Errors.GROUP_ID_NOT_FOUND.code()).setErrorMessage(
                            groups.group(groupId) == null ? "Group " + groupId + " not found."
                                    : "Group " + groupId + " is not a classic group.");
                }
            } else {
                boolean stable = group.is(State.STABLE);
                described.setGroupState(group.stateName()).setProtocolType(group.protocolTypeOrEmpty())
                        .setProtocolData(stable ? group.protocolName() : "");
                for (ClassicMember m : group.members()) {
                    described.members().add(new DescribedGroupMember().setMemberId(m.memberId())
                            .setGroupInstanceId(m.instanceId()).setClientId(m.clientId()).setClientHost(m.clientHost())
                            .setMemberMetadata(stable ? m.metadata(group.protocolName()) : NONE)
                            .setMemberAssignment(stable ? m.assignment() : NONE));
                }
            }
            out.add(described);
        }
        return out;
    }

    List<ListedGroup> list(Set<String> statesFilter, Set<String> typesFilter) {
        Set<String> states = statesFilter.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        Set<String> types = typesFilter.stream().map(s -> s.trim().toLowerCase(Locale.ROOT)).collect(Collectors.toSet());
        List<ListedGroup> out = new ArrayList<>();
        for (GroupKind group : groups.groups()) {
            boolean stateMatches = states.isEmpty() || states.contains(group.stateName().toLowerCase(Locale.ROOT));
            boolean typeMatches = types.isEmpty() || types.contains(group.typeName());
            if (stateMatches && typeMatches) {
                out.add(new ListedGroup().setGroupId(group.groupId()).setProtocolType(group.protocolTypeOrEmpty())
                        .setGroupState(group.stateName()).setGroupType(group.typeName()));
            }
        }
        return out;
    }

    /** Deletes each empty group with its offsets; active groups get NON_EMPTY_GROUP. */
    List<DeletableGroupResult> delete(List<String> groupIds, OperationContext ctx) {
        List<DeletableGroupResult> out = new ArrayList<>();
        for (String groupId : groupIds) {
            out.add(new DeletableGroupResult().setGroupId(groupId).setErrorCode(deleteOne(groupId, ctx).code()));
        }
        return out;
    }

    private Errors deleteOne(String groupId, OperationContext ctx) {
        if (groupId == null || groupId.isEmpty()) {
            return Errors.INVALID_GROUP_ID;
        }
        GroupKind group = groups.group(groupId);
        if (group == null) {
            return Errors.GROUP_ID_NOT_FOUND;
        }
        if (!group.isEmpty()) {
            return Errors.NON_EMPTY_GROUP;
        }
        for (OffsetCommitted committed : new ArrayList<>(groups.offsets().all(groupId).values())) {
            ctx.write(new OffsetRemoved(groupId, committed.topic(), committed.partition()));
        }
        ctx.write(new GroupRemoved(groupId));
        return Errors.NONE;
    }
}
