package io.surety.broker.coordinator;

import io.surety.broker.coordinator.ClassicGroup.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.HeartbeatRequestData;
import org.apache.kafka.common.message.HeartbeatResponseData;
import org.apache.kafka.common.message.LeaveGroupRequestData;
import org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity;
import org.apache.kafka.common.message.LeaveGroupResponseData;
import org.apache.kafka.common.message.LeaveGroupResponseData.MemberResponse;
import org.apache.kafka.common.message.SyncGroupRequestData;
import org.apache.kafka.common.message.SyncGroupResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol after the join phase: SyncGroup (the leader's assignments are stored,
 * then relayed to every member; followers wait for them), Heartbeat and LeaveGroup. Runs on the
 * coordinator thread only.
 */
final class ClassicSessionStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ClassicSessionStateMachine.class);

    private final GroupStateMachine groups;
    private final ClassicGroupStateMachine joins;

    ClassicSessionStateMachine(GroupStateMachine groups, ClassicGroupStateMachine joins) {
        this.groups = groups;
        this.joins = joins;
    }

    void sync(OperationContext ctx, SyncGroupRequestData request, CompletableFuture<SyncGroupResponseData> future) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            ctx.respond(future, syncError(Errors.INVALID_GROUP_ID));
            return;
        }
        ClassicGroup group = groups.classic(request.groupId());
        if (group == null || group.isEmpty()) {
            ctx.respond(future, syncError(Errors.UNKNOWN_MEMBER_ID));
            return;
        }
        Errors invalid = validateSync(group, request);
        if (invalid != Errors.NONE) {
            ctx.respond(future, syncError(invalid));
            return;
        }
        String memberId = request.memberId();
        ClassicMember member = group.member(memberId);
        switch (group.state()) {
            case PREPARING_REBALANCE -> ctx.respond(future, syncError(Errors.REBALANCE_IN_PROGRESS));
            case COMPLETING_REBALANCE -> {
                member.setSyncFuture(future);
                synced(ctx, group, memberId);
                if (group.isLeader(memberId)) {
                    storeAndPropagate(ctx, group, request);
                }
            }
            case STABLE -> {
                synced(ctx, group, memberId);
                ctx.respond(future, new SyncGroupResponseData().setProtocolType(group.protocolType())
                        .setProtocolName(group.protocolName()).setAssignment(member.assignment()));
            }
            default -> ctx.respond(future, syncError(Errors.UNKNOWN_MEMBER_ID));
        }
    }

    private static Errors validateSync(ClassicGroup group, SyncGroupRequestData request) {
        if (group.is(State.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        Errors invalid = ClassicGroupStateMachine.validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid != Errors.NONE) {
            return invalid;
        }
        if (request.generationId() != group.generation()) {
            return Errors.ILLEGAL_GENERATION;
        }
        if (inconsistent(request.protocolType(), group.protocolType())
                || inconsistent(request.protocolName(), group.protocolName())) {
            return Errors.INCONSISTENT_GROUP_PROTOCOL;
        }
        return Errors.NONE;
    }

    private static boolean inconsistent(String requested, String actual) {
        return requested != null && actual != null && !requested.equals(actual);
    }

    private static void synced(OperationContext ctx, ClassicGroup group, String memberId) {
        group.pendingSyncMembers().remove(memberId);
        if (group.pendingSyncMembers().isEmpty()) {
            ctx.timer().cancel(ClassicGroupStateMachine.syncKey(group));
        }
    }

    /** The leader's assignments become the generation's snapshot record; replaying it makes the group Stable. */
    private void storeAndPropagate(OperationContext ctx, ClassicGroup group, SyncGroupRequestData request) {
        Map<String, byte[]> assignments = new HashMap<>();
        request.assignments().forEach(a -> assignments.put(a.memberId(), a.assignment()));
        List<String> missing = new ArrayList<>();
        for (ClassicMember m : group.members()) {
            if (!assignments.containsKey(m.memberId())) {
                missing.add(m.memberId());
            }
        }
        if (!missing.isEmpty()) {
            LOG.warn("Leader of group {} generation {} assigned nothing to {}", group.groupId(), group.generation(), missing);
        }
        ctx.write(group.snapshot(assignments, ctx.nowMs()));
        LOG.info("Group {} generation {} is stable with {} members", group.groupId(), group.generation(), group.size());
        propagate(ctx, group, Errors.NONE);
    }

    /** Answers every parked SyncGroup with its assignment (or the error) and restarts its session timer. */
    private void propagate(OperationContext ctx, ClassicGroup group, Errors error) {
        for (ClassicMember member : group.members()) {
            if (member.isAwaitingSync()) {
                SyncGroupResponseData response = error == Errors.NONE
                        ? new SyncGroupResponseData().setProtocolType(group.protocolType())
                                .setProtocolName(group.protocolName()).setAssignment(member.assignment())
                        : syncError(error);
                ctx.respond(member.syncFuture(), response);
                member.setSyncFuture(null);
                joins.scheduleHeartbeatExpiry(ctx, group, member.memberId(), member.sessionTimeoutMs());
            }
        }
    }

    /** A rebalance started during the sync phase: assignments are void and parked SyncGroups get {@code error}. */
    static void resetAssignmentsWithError(OperationContext ctx, ClassicGroup group, Errors error) {
        for (ClassicMember member : group.members()) {
            member.setAssignment(ClassicMember.EMPTY_ASSIGNMENT);
            if (member.isAwaitingSync()) {
                ctx.respond(member.syncFuture(), syncError(error));
                member.setSyncFuture(null);
            }
        }
    }

    static SyncGroupResponseData syncError(Errors error) {
        return new SyncGroupResponseData().setErrorCode(error.code()).setAssignment(ClassicMember.EMPTY_ASSIGNMENT)
                .setProtocolType(null).setProtocolName(null);
    }

    HeartbeatResponseData heartbeat(OperationContext ctx, HeartbeatRequestData request) {
        if (request.groupId() == null || request.groupId().isEmpty()) {
            return new HeartbeatResponseData().setErrorCode(Errors.INVALID_GROUP_ID.code());
        }
        ClassicGroup group = groups.classic(request.groupId());
        if (group == null) {
            return new HeartbeatResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        }
        if (group.is(State.DEAD)) {
            return new HeartbeatResponseData().setErrorCode(Errors.COORDINATOR_NOT_AVAILABLE.code());
        }
        Errors invalid = ClassicGroupStateMachine.validateMember(group, request.memberId(), request.groupInstanceId());
        if (invalid == Errors.NONE && request.generationId() != group.generation()) {
            invalid = Errors.ILLEGAL_GENERATION;
        }
        if (invalid != Errors.NONE) {
            return new HeartbeatResponseData().setErrorCode(invalid.code());
        }
        ClassicMember member = group.member(request.memberId());
        return switch (group.state()) {
            case PREPARING_REBALANCE -> {
                joins.scheduleHeartbeatExpiry(ctx, group, member.memberId(), member.sessionTimeoutMs());
                yield new HeartbeatResponseData().setErrorCode(Errors.REBALANCE_IN_PROGRESS.code());
            }
            case COMPLETING_REBALANCE, STABLE -> {
                joins.scheduleHeartbeatExpiry(ctx, group, member.memberId(), member.sessionTimeoutMs());
                yield new HeartbeatResponseData();
            }
            default -> new HeartbeatResponseData().setErrorCode(Errors.UNKNOWN_MEMBER_ID.code());
        };
    }

    /**
     * LeaveGroup at {@code version}, answered in that version's shape as Kafka answers it: v0-v2
     * name one member and get one top-level code (the member's when nothing failed at the top);
     * v3+ get a code per member. An unknown group is UNKNOWN_MEMBER_ID for each member, not at the
     * top level (Kafka's {@code GroupCoordinatorService.leaveGroup}).
     */
    LeaveGroupResponseData leave(OperationContext ctx, LeaveGroupRequestData request, short version) {
        List<MemberIdentity> leaving = version >= 3 ? request.members()
                : List.of(new MemberIdentity().setMemberId(request.memberId()));
        Errors topLevel = Errors.NONE;
        List<MemberResponse> responses = new ArrayList<>();
        ClassicGroup group = request.groupId() == null || request.groupId().isEmpty() ? null : groups.classic(request.groupId());
        if (request.groupId() == null || request.groupId().isEmpty()) {
            topLevel = Errors.INVALID_GROUP_ID;
        } else if (group == null) {
            for (MemberIdentity identity : leaving) {
                responses.add(new MemberResponse().setMemberId(identity.memberId())
                        .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            }
        } else if (group.is(State.DEAD)) {
            topLevel = Errors.COORDINATOR_NOT_AVAILABLE;
        } else {
            boolean anyLeft = false;
            for (MemberIdentity identity : leaving) {
                Errors error = leaveOne(ctx, group, identity);
                anyLeft |= error == Errors.NONE;
                responses.add(new MemberResponse().setMemberId(identity.memberId())
                        .setGroupInstanceId(identity.groupInstanceId()).setErrorCode(error.code()));
            }
            if (anyLeft) {
                if (group.is(State.STABLE) || group.is(State.COMPLETING_REBALANCE)) {
                    joins.maybePrepareRebalanceOrCompleteJoin(ctx, group, "members left");
                } else if (group.is(State.PREPARING_REBALANCE)) {
                    joins.maybeCompleteJoinPhase(ctx, group);
                }
            }
        }
        if (version < 3) {
            Errors only = topLevel != Errors.NONE || responses.isEmpty() ? topLevel
                    : Errors.forCode(responses.get(0).errorCode());
            return new LeaveGroupResponseData().setErrorCode(only.code());
        }
        return new LeaveGroupResponseData().setErrorCode(topLevel.code()).setMembers(responses);
    }

    private Errors leaveOne(OperationContext ctx, ClassicGroup group, MemberIdentity identity) {
        String memberId = identity.memberId() == null ? "" : identity.memberId();
        String instanceId = identity.groupInstanceId();
        String target;
        if (memberId.isEmpty()) {
            target = instanceId == null ? null : group.staticMemberId(instanceId);
            if (target == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
        } else if (group.pendingJoinMembers().remove(memberId)) {
            ctx.timer().cancel(ClassicGroupStateMachine.heartbeatKey(group, memberId));
            return Errors.NONE;
        } else {
            Errors invalid = ClassicGroupStateMachine.validateMember(group, memberId, instanceId);
            if (invalid != Errors.NONE) {
                return invalid;
            }
            target = memberId;
        }
        ClassicMember member = group.member(target);
        LOG.info("Member {} left group {} (reason: {})", target, group.groupId(), identity.reason());
        ctx.timer().cancel(ClassicGroupStateMachine.heartbeatKey(group, target));
        ClassicGroupStateMachine.answerParkedWithUnknownMember(ctx, member);
        group.remove(target);
        return Errors.NONE;
    }
}
