package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.ClassicGroup.State;
import io.surety.broker.coordinator.CoordinatorRecord.ClassicGroupSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.message.JoinGroupResponseData.JoinGroupResponseMember;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The classic group protocol's join phase: JoinGroup (with the v4+ two-step join of new dynamic
 * members), protocol selection, leader election, the initial rebalance delay, rebalance and
 * session timeouts, and static membership. SyncGroup, Heartbeat and LeaveGroup are in
 * {@link ClassicSessionStateMachine}. Runs on the coordinator thread only.
 *
 * <p>Implementation notes: this follows Kafka's classic coordinator state for state, error for
 * error (Empty → PreparingRebalance → CompletingRebalance → Stable), because clients depend on the
 * exact codes; see {@link ClassicGroup} for what is durable.
 */
final class ClassicGroupStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ClassicGroupStateMachine.class);
    static final String UNKNOWN_MEMBER_ID = "";
    /** How long a new member's parked JoinGroup may wait without a heartbeat: Kafka's fixed 5 minutes. */
    static final int NEW_MEMBER_JOIN_TIMEOUT_MS = 5 * 60 * 1000;

    private final GroupStateMachine groups;
    private final GroupConfig config;

    ClassicGroupStateMachine(GroupStateMachine groups, GroupConfig config) {
        this.groups = groups;
        this.config = config;
    }

    /** Who sent a request, as JoinGroup records it. */
    record Client(String clientId, String clientHost, short apiVersion) {
    }

    void join(OperationContext ctx, JoinGroupRequestData request, Client client,
            CompletableFuture<JoinGroupResponseData> future) {
        String groupId = request.groupId();
        String memberId = request.memberId() == null ? UNKNOWN_MEMBER_ID : request.memberId();
        if (groupId == null || groupId.isEmpty()) {
            fail(ctx, future, memberId, Errors.INVALID_GROUP_ID);
            return;
        }
        if (request.sessionTimeoutMs() < config.minSessionTimeoutMs()
                || request.sessionTimeoutMs() > config.maxSessionTimeoutMs()) {
            fail(ctx, future, memberId, Errors.INVALID_SESSION_TIMEOUT);
            return;
        }
        GroupKind existing = groups.group(groupId);
        if (existing instanceof ConsumerGroup consumerGroup) {
            if (!consumerGroup.isEmpty()) {
                fail(ctx, future, memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
                return;
            }
            ctx.write(new GroupRemoved(groupId));
            existing = null;
        }
        boolean unknownMember = memberId.isEmpty();
        if (existing == null) {
            if (!unknownMember) {
                fail(ctx, future, memberId, Errors.UNKNOWN_MEMBER_ID);
                return;
            }
            ctx.write(new ClassicGroupSnapshot(groupId, null, 0, null, null, ctx.nowMs(), List.of()));
        }
        ClassicGroup group = (ClassicGroup) groups.group(groupId);
        if (!acceptsJoiningMember(group, memberId)) {
            fail(ctx, future, UNKNOWN_MEMBER_ID, Errors.GROUP_MAX_SIZE_REACHED);
        } else if (group.is(State.DEAD)) {
            fail(ctx, future, memberId, Errors.COORDINATOR_NOT_AVAILABLE);
        } else if (!group.supports(request.protocolType(), protocolsOf(request))) {
            fail(ctx, future, memberId, Errors.INCONSISTENT_GROUP_PROTOCOL);
        } else if (unknownMember) {
            joinNewMember(ctx, group, request, client, future);
        } else {
            joinExistingMember(ctx, group, request, client, future);
        }
    }

    private boolean acceptsJoiningMember(ClassicGroup group, String memberId) {
        return switch (group.state()) {
            case EMPTY, DEAD -> true;
            case PREPARING_REBALANCE -> (group.hasMember(memberId) && group.member(memberId).isAwaitingJoin())
                    || group.awaitingJoinCount() < config.classicMaxSize();
            case COMPLETING_REBALANCE, STABLE -> group.hasMember(memberId) || group.size() < config.classicMaxSize();
        };
    }

    private void joinNewMember(OperationContext ctx, ClassicGroup group, JoinGroupRequestData request, Client client,
            CompletableFuture<JoinGroupResponseData> future) {
        String instanceId = request.groupInstanceId();
        String newMemberId = (instanceId != null ? instanceId : client.clientId()) + "-" + UUID.randomUUID();
        if (instanceId != null) {
            String existingId = group.staticMemberId(instanceId);
            if (existingId != null) {
                replaceStaticMember(ctx, group, existingId, newMemberId, request, client, future);
            } else {
                addMemberAndRebalance(ctx, group, newMemberId, request, client, future);
            }
        } else if (client.apiVersion() >= 4) {
            group.pendingJoinMembers().add(newMemberId);
            scheduleHeartbeatExpiry(ctx, group, newMemberId, request.sessionTimeoutMs());
            ctx.respond(future, new JoinGroupResponseData().setMemberId(newMemberId)
                    .setErrorCode(Errors.MEMBER_ID_REQUIRED.code()));
        } else {
            addMemberAndRebalance(ctx, group, newMemberId, request, client, future);
        }
    }

    private void joinExistingMember(OperationContext ctx, ClassicGroup group, JoinGroupRequestData request,
            Client client, CompletableFuture<JoinGroupResponseData> future) {
        String memberId = request.memberId();
        if (group.pendingJoinMembers().contains(memberId)) {
            addMemberAndRebalance(ctx, group, memberId, request, client, future);
            return;
        }
        Errors invalid = validateMember(group, memberId, request.groupInstanceId());
        if (invalid != Errors.NONE) {
            fail(ctx, future, memberId, invalid);
            return;
        }
        ClassicMember member = group.member(memberId);
        List<ClassicMember.Protocol> protocols = protocolsOf(request);
        switch (group.state()) {
            case PREPARING_REBALANCE -> updateMemberAndRebalance(ctx, group, member, request, future);
            case COMPLETING_REBALANCE -> {
                if (member.sameProtocols(protocols)) {
                    ctx.respond(future, currentGeneration(group, memberId, group.isLeader(memberId)));
                } else {
                    updateMemberAndRebalance(ctx, group, member, request, future);
                }
            }
            case STABLE -> {
                if (group.isLeader(memberId) || !member.sameProtocols(protocols)) {
                    updateMemberAndRebalance(ctx, group, member, request, future);
                } else {
                    ctx.respond(future, currentGeneration(group, memberId, false));
                }
            }
            default -> fail(ctx, future, memberId, Errors.UNKNOWN_MEMBER_ID);
        }
    }

    /** FENCED_INSTANCE_ID or UNKNOWN_MEMBER_ID if {@code memberId} (with its instance id) is not a current member. */
    static Errors validateMember(ClassicGroup group, String memberId, String instanceId) {
        if (instanceId != null) {
            String existing = group.staticMemberId(instanceId);
            if (existing == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (!existing.equals(memberId)) {
                return Errors.FENCED_INSTANCE_ID;
            }
        }
        return group.hasMember(memberId) ? Errors.NONE : Errors.UNKNOWN_MEMBER_ID;
    }

    private void addMemberAndRebalance(OperationContext ctx, ClassicGroup group, String memberId,
            JoinGroupRequestData request, Client client, CompletableFuture<JoinGroupResponseData> future) {
        ClassicMember member = new ClassicMember(memberId, request.groupInstanceId(), client.clientId(),
                client.clientHost(), rebalanceTimeoutOf(request), request.sessionTimeoutMs(), protocolsOf(request));
        member.setNew(true);
        if (group.is(State.PREPARING_REBALANCE) && group.previousState() == State.EMPTY) {
            group.setNewMemberAdded(true);
        }
        if (group.size() == 0) {
            group.setProtocolType(request.protocolType());
        }
        group.pendingJoinMembers().remove(memberId);
        group.add(member);
        member.setJoinFuture(future);
        // A new member cannot heartbeat while its JoinGroup is parked; bound how long it may stay defunct.
        scheduleHeartbeatExpiry(ctx, group, memberId, NEW_MEMBER_JOIN_TIMEOUT_MS);
        maybePrepareRebalanceOrCompleteJoin(ctx, group, "new member " + memberId);
    }

    private void updateMemberAndRebalance(OperationContext ctx, ClassicGroup group, ClassicMember member,
            JoinGroupRequestData request, CompletableFuture<JoinGroupResponseData> future) {
        member.update(protocolsOf(request), rebalanceTimeoutOf(request), request.sessionTimeoutMs());
        replaceJoinFuture(ctx, member, future);
        maybePrepareRebalanceOrCompleteJoin(ctx, group, "member " + member.memberId() + " rejoined");
    }

    private static void replaceJoinFuture(OperationContext ctx, ClassicMember member,
            CompletableFuture<JoinGroupResponseData> future) {
        CompletableFuture<JoinGroupResponseData> previous = member.joinFuture();
        if (previous != null && previous != future) {
            ctx.respond(previous, new JoinGroupResponseData().setMemberId(member.memberId())
                    .setErrorCode(Errors.REBALANCE_IN_PROGRESS.code()));
        }
        member.setJoinFuture(future);
    }

    private void replaceStaticMember(OperationContext ctx, ClassicGroup group, String oldMemberId, String newMemberId,
            JoinGroupRequestData request, Client client, CompletableFuture<JoinGroupResponseData> future) {
        String leaderBefore = group.leaderId();
        ClassicMember old = group.member(oldMemberId);
        if (old.isAwaitingJoin()) {
            ctx.respond(old.joinFuture(), new JoinGroupResponseData().setMemberId(oldMemberId)
                    .setErrorCode(Errors.FENCED_INSTANCE_ID.code()));
        }
        if (old.isAwaitingSync()) {
            ctx.respond(old.syncFuture(), ClassicSessionStateMachine.syncError(Errors.FENCED_INSTANCE_ID));
        }
        ClassicMember replacement = old.withId(newMemberId);
        group.replaceStaticMember(oldMemberId, replacement);
        ctx.timer().cancel(heartbeatKey(group, oldMemberId));
        scheduleHeartbeatExpiry(ctx, group, newMemberId, replacement.sessionTimeoutMs());
        replacement.update(protocolsOf(request), rebalanceTimeoutOf(request), request.sessionTimeoutMs());
        replacement.setJoinFuture(future);
        LOG.info("Static member {} of group {} rejoined as {} (was {})", request.groupInstanceId(), group.groupId(),
                newMemberId, oldMemberId);
        switch (group.state()) {
            case STABLE -> {
                if (!String.valueOf(group.protocolName()).equals(group.selectProtocol())) {
                    maybePrepareRebalanceOrCompleteJoin(ctx, group, "static member changed the protocol");
                    return;
                }
                Map<String, byte[]> assignments = new HashMap<>();
                group.members().forEach(m -> assignments.put(m.memberId(), m.assignment()));
                ctx.write(group.snapshot(assignments, ctx.nowMs()));
                boolean isLeader = group.isLeader(newMemberId);
                JoinGroupResponseData response;
                if (client.apiVersion() >= 9) {
                    response = currentGeneration(group, newMemberId, isLeader).setSkipAssignment(isLeader);
                } else {
                    // The old leader id keeps a rejoining leader from reassigning a stable group.
                    response = currentGeneration(group, newMemberId, false).setLeader(leaderBefore);
                }
                replacement.setJoinFuture(null);
                ctx.respond(future, response);
            }
            case COMPLETING_REBALANCE -> prepareRebalance(ctx, group, "static member rejoined during the sync phase");
            default -> maybeCompleteJoinPhase(ctx, group);
        }
    }

    void maybePrepareRebalanceOrCompleteJoin(OperationContext ctx, ClassicGroup group, String reason) {
        if (group.is(State.STABLE) || group.is(State.COMPLETING_REBALANCE) || group.is(State.EMPTY)) {
            prepareRebalance(ctx, group, reason);
        } else {
            maybeCompleteJoinPhase(ctx, group);
        }
    }

    void maybeCompleteJoinPhase(OperationContext ctx, ClassicGroup group) {
        if (group.is(State.PREPARING_REBALANCE) && group.previousState() != State.EMPTY && group.allMembersJoined()) {
            completeJoin(ctx, group);
        }
    }

    void prepareRebalance(OperationContext ctx, ClassicGroup group, String reason) {
        if (group.is(State.COMPLETING_REBALANCE)) {
            ClassicSessionStateMachine.resetAssignmentsWithError(ctx, group, Errors.REBALANCE_IN_PROGRESS);
        }
        group.pendingSyncMembers().clear();
        ctx.timer().cancel(syncKey(group));
        boolean initial = group.is(State.EMPTY);
        group.transitionTo(State.PREPARING_REBALANCE, ctx.nowMs());
        LOG.info("Preparing to rebalance group {} at generation {} ({})", group.groupId(), group.generation(), reason);
        String groupId = group.groupId();
        if (initial) {
            int delayMs = config.initialRebalanceDelayMs();
            int remainingMs = Math.max(group.rebalanceTimeoutMs() - delayMs, 0);
            ctx.timer().schedule(joinKey(group), delayMs, c -> completeInitialRebalance(c, groupId, delayMs, remainingMs));
        } else if (group.allMembersJoined()) {
            completeJoin(ctx, group);
        } else {
            ctx.timer().schedule(joinKey(group), group.rebalanceTimeoutMs(), c -> completeJoin(c, groupId));
        }
    }

    private void completeInitialRebalance(OperationContext ctx, String groupId, int delayMs, int remainingMs) {
        ClassicGroup group = groups.classic(groupId);
        if (group == null) {
            return;
        }
        if (group.newMemberAdded() && remainingMs != 0) {
            group.setNewMemberAdded(false);
            int nextDelayMs = Math.min(config.initialRebalanceDelayMs(), remainingMs);
            int nextRemainingMs = Math.max(remainingMs - delayMs, 0);
            ctx.timer().schedule(joinKey(group), nextDelayMs,
                    c -> completeInitialRebalance(c, groupId, nextDelayMs, nextRemainingMs));
        } else {
            completeJoin(ctx, group);
        }
    }

    private void completeJoin(OperationContext ctx, String groupId) {
        ClassicGroup group = groups.classic(groupId);
        if (group != null && group.is(State.PREPARING_REBALANCE)) {
            completeJoin(ctx, group);
        }
    }

    /** Ends the join phase: drops dynamic members that did not rejoin and starts the next generation. */
    void completeJoin(OperationContext ctx, ClassicGroup group) {
        ctx.timer().cancel(joinKey(group));
        for (ClassicMember member : new ArrayList<>(group.members())) {
            if (!member.isAwaitingJoin() && member.instanceId() == null) {
                group.remove(member.memberId());
                ctx.timer().cancel(heartbeatKey(group, member.memberId()));
            }
        }
        if (group.is(State.DEAD)) {
            return;
        }
        if (!group.electJoinedLeader()) {
            String groupId = group.groupId();
            ctx.timer().schedule(joinKey(group), group.rebalanceTimeoutMs(), c -> completeJoin(c, groupId));
            return;
        }
        group.initNextGeneration(ctx.nowMs());
        if (group.is(State.EMPTY)) {
            LOG.info("Group {} is empty at generation {}", group.groupId(), group.generation());
            ctx.write(group.snapshot(Map.of(), ctx.nowMs()));
            return;
        }
        LOG.info("Group {} formed generation {} with {} members (protocol {}, leader {})", group.groupId(),
                group.generation(), group.size(), group.protocolName(), group.leaderId());
        for (ClassicMember member : group.members()) {
            if (member.isAwaitingJoin()) {
                ctx.respond(member.joinFuture(), currentGeneration(group, member.memberId(), group.isLeader(member.memberId())));
                member.setJoinFuture(null);
            }
            scheduleHeartbeatExpiry(ctx, group, member.memberId(), member.sessionTimeoutMs());
            member.setNew(false);
            group.pendingSyncMembers().add(member.memberId());
        }
        String groupId = group.groupId();
        int generation = group.generation();
        ctx.timer().schedule(syncKey(group), group.rebalanceTimeoutMs(), c -> expirePendingSync(c, groupId, generation));
    }

    /** Members that never sent SyncGroup within the rebalance timeout are dropped, and the group rebalances. */
    private void expirePendingSync(OperationContext ctx, String groupId, int generation) {
        ClassicGroup group = groups.classic(groupId);
        if (group == null || group.generation() != generation || group.pendingSyncMembers().isEmpty()
                || !(group.is(State.COMPLETING_REBALANCE) || group.is(State.STABLE))) {
            return;
        }
        List<String> silent = new ArrayList<>(group.pendingSyncMembers());
        for (String memberId : silent) {
            group.remove(memberId);
            ctx.timer().cancel(heartbeatKey(group, memberId));
        }
        prepareRebalance(ctx, group, "members " + silent + " sent no SyncGroup");
    }

    void scheduleHeartbeatExpiry(OperationContext ctx, ClassicGroup group, String memberId, long timeoutMs) {
        String groupId = group.groupId();
        ctx.timer().schedule(heartbeatKey(group, memberId), timeoutMs, c -> expireHeartbeat(c, groupId, memberId));
    }

    private void expireHeartbeat(OperationContext ctx, String groupId, String memberId) {
        ClassicGroup group = groups.classic(groupId);
        if (group == null || group.is(State.DEAD)) {
            return;
        }
        if (group.pendingJoinMembers().remove(memberId)) {
            if (group.is(State.PREPARING_REBALANCE) && group.allMembersJoined()) {
                completeJoin(ctx, group);
            }
            return;
        }
        ClassicMember member = group.member(memberId);
        if (member == null || member.heartbeatSatisfied()) {
            return;
        }
        LOG.info("Member {} of group {} missed its session timeout; removing it", memberId, groupId);
        removeMemberAndUpdateGroup(ctx, group, member);
    }

    /** Removes a member (session expired or left), answering its parked requests, and moves the group on. */
    void removeMemberAndUpdateGroup(OperationContext ctx, ClassicGroup group, ClassicMember member) {
        answerParkedWithUnknownMember(ctx, member);
        group.remove(member.memberId());
        ctx.timer().cancel(heartbeatKey(group, member.memberId()));
        if (group.is(State.STABLE) || group.is(State.COMPLETING_REBALANCE)) {
            maybePrepareRebalanceOrCompleteJoin(ctx, group, "member " + member.memberId() + " left");
        } else if (group.is(State.PREPARING_REBALANCE) && group.allMembersJoined()) {
            completeJoin(ctx, group);
        }
    }

    static void answerParkedWithUnknownMember(OperationContext ctx, ClassicMember member) {
        if (member.isAwaitingJoin()) {
            ctx.respond(member.joinFuture(), new JoinGroupResponseData().setMemberId(UNKNOWN_MEMBER_ID)
                    .setErrorCode(Errors.UNKNOWN_MEMBER_ID.code()));
            member.setJoinFuture(null);
        }
        if (member.isAwaitingSync()) {
            ctx.respond(member.syncFuture(), ClassicSessionStateMachine.syncError(Errors.UNKNOWN_MEMBER_ID));
            member.setSyncFuture(null);
        }
    }

    private static JoinGroupResponseData currentGeneration(ClassicGroup group, String memberId, boolean withMembers) {
        List<JoinGroupResponseMember> members = new ArrayList<>();
        if (withMembers) {
            for (ClassicMember m : group.members()) {
                members.add(new JoinGroupResponseMember().setMemberId(m.memberId()).setGroupInstanceId(m.instanceId())
                        .setMetadata(m.metadata(group.protocolName())));
            }
        }
        return new JoinGroupResponseData().setMembers(members).setMemberId(memberId)
                .setGenerationId(group.generation()).setProtocolType(group.protocolType())
                .setProtocolName(group.protocolName()).setLeader(group.leaderId()).setSkipAssignment(false);
    }

    private static void fail(OperationContext ctx, CompletableFuture<JoinGroupResponseData> future, String memberId,
            Errors error) {
        ctx.respond(future, new JoinGroupResponseData().setMemberId(memberId).setErrorCode(error.code())
                .setGenerationId(-1).setProtocolName(null).setProtocolType(null).setLeader(""));
    }

    private static List<ClassicMember.Protocol> protocolsOf(JoinGroupRequestData request) {
        List<ClassicMember.Protocol> protocols = new ArrayList<>();
        request.protocols().forEach(p -> protocols.add(new ClassicMember.Protocol(p.name(), p.metadata())));
        return protocols;
    }

    private static int rebalanceTimeoutOf(JoinGroupRequestData request) {
        return request.rebalanceTimeoutMs() < 0 ? request.sessionTimeoutMs() : request.rebalanceTimeoutMs();
    }

    static String heartbeatKey(ClassicGroup group, String memberId) {
        return "classic-heartbeat-" + group.groupId() + "-" + memberId;
    }

    static String joinKey(ClassicGroup group) {
        return "classic-join-" + group.groupId();
    }

    static String syncKey(ClassicGroup group) {
        return "classic-sync-" + group.groupId();
    }
}
