package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerGroupEpoch;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerTargetAssignment;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.MemberState;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatRequestData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData;
import org.apache.kafka.common.message.ConsumerGroupHeartbeatResponseData.TopicPartitions;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer group protocol (KIP-848): ConsumerGroupHeartbeat drives everything. A change of
 * membership, subscription or topic metadata bumps the group epoch; the next heartbeat computes a
 * new target assignment with the group's server-side assignor; each member then reconciles towards
 * its target one heartbeat at a time — revoking first, and receiving a partition only once no other
 * member owns it any more. Every change is a record (see {@link ConsumerGroup}). Runs on the
 * coordinator thread only.
 */
final class ConsumerGroupStateMachine {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerGroupStateMachine.class);
    static final int LEAVE_EPOCH = -1;
    static final int STATIC_LEAVE_EPOCH = -2;

    private final GroupStateMachine groups;
    private final GroupConfig config;
    private final TopicView topics;

    ConsumerGroupStateMachine(GroupStateMachine groups, GroupConfig config, TopicView topics) {
        this.groups = groups;
        this.config = config;
        this.topics = topics;
    }

    /** A request-level failure: the error and Kafka's message. */
    private static final class Rejected extends Exception {
        final Errors error;

        Rejected(Errors error, String message) {
            super(message, null, false, false);
            this.error = error;
        }
    }

    ConsumerGroupHeartbeatResponseData heartbeat(OperationContext ctx, ConsumerGroupHeartbeatRequestData request,
            ClassicGroupStateMachine.Client client) {
        try {
            validate(request, client.apiVersion());
            String memberId = request.memberId();
            if (memberId.isEmpty()) {
                memberId = Uuid.randomUuid().toString();
            }
            if (request.memberEpoch() == LEAVE_EPOCH || request.memberEpoch() == STATIC_LEAVE_EPOCH) {
                leave(ctx, request.groupId(), memberId);
                return new ConsumerGroupHeartbeatResponseData().setMemberId(memberId)
                        .setMemberEpoch(request.memberEpoch()).setHeartbeatIntervalMs(0);
            }
            return join(ctx, request, memberId, client);
        } catch (Rejected e) {
            return new ConsumerGroupHeartbeatResponseData().setErrorCode(e.error.code()).setErrorMessage(e.getMessage())
                    .setMemberId(request.memberId()).setMemberEpoch(-1);
        }
    }

    private void validate(ConsumerGroupHeartbeatRequestData r, short version) throws Rejected {
        if (r.groupId() == null || r.groupId().isEmpty()) {
            throw new Rejected(Errors.INVALID_GROUP_ID, "GroupId can't be empty.");
        }
        if ("".equals(r.instanceId()) || "".equals(r.rackId())) {
            throw new Rejected(Errors.INVALID_REQUEST, "InstanceId and RackId can't be empty.");
        }
        int epoch = r.memberEpoch();
        if ((epoch > 0 || epoch == LEAVE_EPOCH || version >= 1) && r.memberId().isEmpty()) {
            throw new Rejected(Errors.INVALID_REQUEST, "MemberId can't be empty.");
        }
        if (epoch == 0) {
            if (r.rebalanceTimeoutMs() == -1) {
                throw new Rejected(Errors.INVALID_REQUEST, "RebalanceTimeoutMs must be provided in first request.");
            }
            if (r.topicPartitions() == null || !r.topicPartitions().isEmpty()) {
                throw new Rejected(Errors.INVALID_REQUEST, "TopicPartitions must be empty when (re-)joining.");
            }
            boolean noNames = r.subscribedTopicNames() == null || r.subscribedTopicNames().isEmpty();
            if (noNames && r.subscribedTopicRegex() == null) {
                throw new Rejected(Errors.INVALID_REQUEST, "SubscribedTopicNames or SubscribedTopicRegex must be set in first request.");
            }
        } else if (epoch == STATIC_LEAVE_EPOCH && r.instanceId() == null) {
            throw new Rejected(Errors.INVALID_REQUEST, "InstanceId can't be null.");
        } else if (epoch < STATIC_LEAVE_EPOCH) {
            throw new Rejected(Errors.INVALID_REQUEST, "MemberEpoch is invalid.");
        }
        if (r.serverAssignor() != null && !config.consumerAssignors().contains(r.serverAssignor())) {
            throw new Rejected(Errors.UNSUPPORTED_ASSIGNOR, "ServerAssignor " + r.serverAssignor()
                    + " is not supported. Supported assignors: " + String.join(", ", config.consumerAssignors()) + ".");
        }
        if (r.subscribedTopicRegex() != null) {
            try {
                Pattern.compile(r.subscribedTopicRegex());
            } catch (PatternSyntaxException e) {
                throw new Rejected(Errors.INVALID_REGULAR_EXPRESSION, "SubscribedTopicRegex is invalid: " + e.getDescription());
            }
        }
    }

    private ConsumerGroupHeartbeatResponseData join(OperationContext ctx, ConsumerGroupHeartbeatRequestData r,
            String memberId, ClassicGroupStateMachine.Client client) throws Rejected {
        String groupId = r.groupId();
        ConsumerGroup group = groupFor(ctx, groupId, r.memberEpoch() == 0);
        ConsumerMemberState current = group.member(memberId);
        if (current == null || r.memberEpoch() == 0) {
            if (r.memberEpoch() != 0) {
                throw new Rejected(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group " + groupId + ".");
            }
            if (current == null && group.members().size() >= config.consumerMaxSize()) {
                throw new Rejected(Errors.GROUP_MAX_SIZE_REACHED, "The group " + groupId + " has reached its maximum size.");
            }
            String holder = r.instanceId() == null ? null : group.staticMemberId(r.instanceId());
            if (holder != null && !holder.equals(memberId)) {
                throw new Rejected(Errors.UNRELEASED_INSTANCE_ID, "Static member " + r.instanceId()
                        + " is still held by member " + holder + ".");
            }
            current = new ConsumerMemberState(groupId, memberId, null, null, client.clientId(), client.clientHost(),
                    List.of(), null, null, r.rebalanceTimeoutMs(), 0, -1, MemberState.STABLE, Assignment.EMPTY,
                    Assignment.EMPTY);
        } else {
            checkEpoch(current, r);
        }
        ConsumerMemberState updated = withRequest(current, r, client);
        boolean subscriptionChanged = group.member(memberId) == null
                || !updated.subscribedTopics().equals(current.subscribedTopics())
                || !Objects.equals(updated.subscribedRegex(), current.subscribedRegex())
                || !Objects.equals(updated.serverAssignor(), current.serverAssignor());
        Map<String, ConsumerMemberState> members = new TreeMap<>();
        group.members().forEach(m -> members.put(m.memberId(), m));
        members.put(memberId, updated);
        long hash = metadataHash(members.values());
        if (subscriptionChanged || hash != group.metadataHash()) {
            ctx.write(new ConsumerGroupEpoch(groupId, group.groupEpoch() + 1, hash));
            LOG.info("Group {} epoch bumped to {} ({})", groupId, group.groupEpoch(),
                    subscriptionChanged ? "member " + memberId + " joined or changed its subscription" : "topic metadata changed");
        }
        if (group.groupEpoch() > group.assignmentEpoch()) {
            computeTargetAssignment(ctx, group, members.values());
        }
        ConsumerMemberState reconciled = reconcile(updated, group.target(memberId), group.assignmentEpoch(),
                r.topicPartitions(), group.ownersExcept(memberId));
        if (!reconciled.equals(group.member(memberId))) {
            ctx.write(reconciled);
        }
        scheduleTimers(ctx, current, reconciled);
        ConsumerGroupHeartbeatResponseData response = new ConsumerGroupHeartbeatResponseData().setMemberId(memberId)
                .setMemberEpoch(reconciled.memberEpoch()).setHeartbeatIntervalMs(config.consumerHeartbeatIntervalMs());
        boolean fullRequest = r.memberEpoch() == 0
                || (r.rebalanceTimeoutMs() != -1 && r.subscribedTopicNames() != null && r.topicPartitions() != null);
        if (fullRequest || !reconciled.assigned().equals(current.assigned())) {
            response.setAssignment(new ConsumerGroupHeartbeatResponseData.Assignment()
                    .setTopicPartitions(toResponse(reconciled.assigned())));
        }
        return response;
    }

    /** The consumer group, created (or converted from an empty classic group) when a member joins. */
    private ConsumerGroup groupFor(OperationContext ctx, String groupId, boolean joining) throws Rejected {
        GroupKind existing = groups.group(groupId);
        if (existing instanceof ConsumerGroup group) {
            return group;
        }
        if (!joining) {
            throw new Rejected(Errors.UNKNOWN_MEMBER_ID, "Group " + groupId + " has no such member.");
        }
        if (existing != null) {
            if (!existing.isEmpty()) {
                throw new Rejected(Errors.GROUP_ID_NOT_FOUND, "Group " + groupId + " is not a consumer group.");
            }
            ctx.write(new GroupRemoved(groupId));
        }
        ctx.write(new ConsumerGroupEpoch(groupId, 0, 0));
        return groups.consumerGroup(groupId);
    }

    private static void checkEpoch(ConsumerMemberState member, ConsumerGroupHeartbeatRequestData r) throws Rejected {
        int received = r.memberEpoch();
        if (received > member.memberEpoch()) {
            throw new Rejected(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has a greater member epoch ("
                    + received + ") than the one known by the group coordinator (" + member.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
        if (received < member.memberEpoch() && (received != member.previousMemberEpoch()
                || !isSubset(r.topicPartitions(), member.assigned()))) {
            throw new Rejected(Errors.FENCED_MEMBER_EPOCH, "The consumer group member has a smaller member epoch ("
                    + received + ") than the one known by the group coordinator (" + member.memberEpoch()
                    + "). The member must abandon all its partitions and rejoin.");
        }
    }

    private static boolean isSubset(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned, Assignment of) {
        if (owned == null) {
            return true;
        }
        for (var tp : owned) {
            for (int p : tp.partitions()) {
                if (!of.contains(tp.topicId(), p)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static ConsumerMemberState withRequest(ConsumerMemberState m, ConsumerGroupHeartbeatRequestData r,
            ClassicGroupStateMachine.Client client) {
        return new ConsumerMemberState(m.groupId(), m.memberId(),
                r.instanceId() != null ? r.instanceId() : m.instanceId(),
                r.rackId() != null ? r.rackId() : m.rackId(), client.clientId(), client.clientHost(),
                r.subscribedTopicNames() != null ? r.subscribedTopicNames() : m.subscribedTopics(),
                r.subscribedTopicRegex() != null ? emptyToNull(r.subscribedTopicRegex()) : m.subscribedRegex(),
                r.serverAssignor() != null ? r.serverAssignor() : m.serverAssignor(),
                r.rebalanceTimeoutMs() != -1 ? r.rebalanceTimeoutMs() : m.rebalanceTimeoutMs(),
                m.memberEpoch(), m.previousMemberEpoch(), m.state(), m.assigned(), m.revoking());
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** The topics a member subscribes to that exist now: its names, plus what its regex matches. */
    List<TopicView.Topic> resolve(ConsumerMemberState member) {
        Map<String, TopicView.Topic> out = new TreeMap<>();
        for (String name : member.subscribedTopics()) {
            TopicView.Topic topic = topics.byName(name);
            if (topic != null) {
                out.put(name, topic);
            }
        }
        if (member.subscribedRegex() != null) {
            Pattern pattern = Pattern.compile(member.subscribedRegex());
            for (TopicView.Topic topic : topics.all()) {
                if (pattern.matcher(topic.name()).matches()) {
                    out.put(topic.name(), topic);
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private long metadataHash(Iterable<ConsumerMemberState> members) {
        Map<String, TopicView.Topic> all = new TreeMap<>();
        for (ConsumerMemberState m : members) {
            resolve(m).forEach(t -> all.put(t.name(), t));
        }
        long hash = 1125899906842597L;
        for (TopicView.Topic t : all.values()) {
            hash = 31 * hash + t.name().hashCode();
            hash = 31 * hash + t.id().hashCode();
            hash = 31 * hash + t.partitionCount();
        }
        return hash;
    }

    /** The assignor most members asked for, else the broker's default. */
    String assignorOf(Iterable<ConsumerMemberState> members) {
        Map<String, Integer> votes = new TreeMap<>();
        for (ConsumerMemberState m : members) {
            if (m.serverAssignor() != null) {
                votes.merge(m.serverAssignor(), 1, Integer::sum);
            }
        }
        String best = config.consumerAssignors().get(0);
        int bestVotes = 0;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    private void computeTargetAssignment(OperationContext ctx, ConsumerGroup group, Iterable<ConsumerMemberState> members) {
        List<ServerAssignor.Subscriber> subscribers = new ArrayList<>();
        for (ConsumerMemberState m : members) {
            subscribers.add(new ServerAssignor.Subscriber(m.memberId(), resolve(m)));
        }
        ServerAssignor assignor = ServerAssignor.named(assignorOf(members));
        Map<String, Assignment> targets = assignor.assign(subscribers, group.targets());
        ctx.write(new ConsumerTargetAssignment(group.groupId(), group.groupEpoch(), targets));
        LOG.info("Group {} target assignment at epoch {} ({} assignor): {}", group.groupId(), group.groupEpoch(),
                assignor.name(), sizes(targets));
    }

    private static Map<String, Integer> sizes(Map<String, Assignment> targets) {
        Map<String, Integer> out = new TreeMap<>();
        targets.forEach((m, a) -> out.put(m, a.size()));
        return out;
    }

    /**
     * Moves a member one step towards its target: partitions it must give up are revoked first (it
     * keeps its epoch until it stops reporting them); partitions still owned by another member are
     * withheld until released.
     */
    static ConsumerMemberState reconcile(ConsumerMemberState m, Assignment target, int targetEpoch,
            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned, Map<Uuid, Map<Integer, String>> owners) {
        return switch (m.state()) {
            case STABLE -> m.memberEpoch() == targetEpoch ? m : next(m, target, targetEpoch, owned, owners);
            case UNREVOKED_PARTITIONS -> ownsAny(owned, m.revoking()) ? m : next(m, target, targetEpoch, owned, owners);
            case UNRELEASED_PARTITIONS -> next(m, target, targetEpoch, owned, owners);
        };
    }

    private static ConsumerMemberState next(ConsumerMemberState m, Assignment target, int targetEpoch,
            List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned, Map<Uuid, Map<Integer, String>> owners) {
        Assignment kept = m.assigned().intersect(target);
        Assignment revoke = m.assigned().minus(kept);
        Map<Uuid, Set<Integer>> free = new HashMap<>();
        boolean unreleased = false;
        for (Map.Entry<Uuid, Set<Integer>> e : target.minus(kept).partitions().entrySet()) {
            for (int p : e.getValue()) {
                if (owners.getOrDefault(e.getKey(), Map.of()).containsKey(p)) {
                    unreleased = true;
                } else {
                    free.computeIfAbsent(e.getKey(), t -> new java.util.TreeSet<>()).add(p);
                }
            }
        }
        if (!revoke.isEmpty() && ownsAny(owned, revoke)) {
            return withAssignment(m, m.memberEpoch(), MemberState.UNREVOKED_PARTITIONS, kept, revoke);
        }
        Assignment assigned = kept.plus(new Assignment(free));
        MemberState state = unreleased ? MemberState.UNRELEASED_PARTITIONS : MemberState.STABLE;
        return withAssignment(m, targetEpoch, state, assigned, Assignment.EMPTY);
    }

    private static boolean ownsAny(List<ConsumerGroupHeartbeatRequestData.TopicPartitions> owned, Assignment partitions) {
        if (owned == null) {
            return !partitions.isEmpty();
        }
        for (var tp : owned) {
            for (int p : tp.partitions()) {
                if (partitions.contains(tp.topicId(), p)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static ConsumerMemberState withAssignment(ConsumerMemberState m, int epoch, MemberState state,
            Assignment assigned, Assignment revoking) {
        int previous = epoch == m.memberEpoch() ? m.previousMemberEpoch() : m.memberEpoch();
        return new ConsumerMemberState(m.groupId(), m.memberId(), m.instanceId(), m.rackId(), m.clientId(),
                m.clientHost(), m.subscribedTopics(), m.subscribedRegex(), m.serverAssignor(), m.rebalanceTimeoutMs(),
                epoch, previous, state, assigned, revoking);
    }

    private static List<TopicPartitions> toResponse(Assignment assignment) {
        List<TopicPartitions> out = new ArrayList<>();
        assignment.partitions().forEach((id, partitions) -> out.add(new TopicPartitions().setTopicId(id)
                .setPartitions(new ArrayList<>(partitions))));
        return out;
    }

    private void scheduleTimers(OperationContext ctx, ConsumerMemberState before, ConsumerMemberState after) {
        String groupId = after.groupId();
        String memberId = after.memberId();
        ctx.timer().schedule(sessionKey(groupId, memberId), config.consumerSessionTimeoutMs(),
                c -> fence(c, groupId, memberId, "its session timed out"));
        if (after.state() == MemberState.UNREVOKED_PARTITIONS) {
            boolean newlyRevoking = before.state() != MemberState.UNREVOKED_PARTITIONS
                    || !before.revoking().equals(after.revoking());
            if (newlyRevoking || !ctx.timer().isScheduled(rebalanceKey(groupId, memberId))) {
                int epoch = after.memberEpoch();
                ctx.timer().schedule(rebalanceKey(groupId, memberId), after.rebalanceTimeoutMs(), c -> {
                    ConsumerGroup group = groups.consumerGroup(groupId);
                    ConsumerMemberState m = group == null ? null : group.member(memberId);
                    if (m != null && m.state() == MemberState.UNREVOKED_PARTITIONS && m.memberEpoch() == epoch) {
                        fence(c, groupId, memberId, "it did not revoke its partitions within its rebalance timeout");
                    }
                });
            }
        } else {
            ctx.timer().cancel(rebalanceKey(groupId, memberId));
        }
    }

    private void leave(OperationContext ctx, String groupId, String memberId) throws Rejected {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group == null || group.member(memberId) == null) {
            throw new Rejected(Errors.UNKNOWN_MEMBER_ID, "Member " + memberId + " is not a member of group " + groupId + ".");
        }
        LOG.info("Member {} left consumer group {}", memberId, groupId);
        remove(ctx, group, memberId);
    }

    private void fence(OperationContext ctx, String groupId, String memberId, String why) {
        ConsumerGroup group = groups.consumerGroup(groupId);
        if (group != null && group.member(memberId) != null) {
            LOG.info("Fencing member {} of consumer group {}: {}", memberId, groupId, why);
            remove(ctx, group, memberId);
        }
    }

    /** Removes a member and bumps the group epoch; the next heartbeat of any member reassigns its partitions. */
    private void remove(OperationContext ctx, ConsumerGroup group, String memberId) {
        ctx.timer().cancel(sessionKey(group.groupId(), memberId));
        ctx.timer().cancel(rebalanceKey(group.groupId(), memberId));
        ctx.write(new ConsumerMemberRemoved(group.groupId(), memberId));
        ctx.write(new ConsumerGroupEpoch(group.groupId(), group.groupEpoch() + 1, metadataHash(group.members())));
    }

    /** After a restart every member gets a fresh session timeout. */
    void onLoad(OperationContext ctx) {
        for (GroupKind g : groups.groups()) {
            if (g instanceof ConsumerGroup group) {
                for (ConsumerMemberState m : group.members()) {
                    String groupId = group.groupId();
                    String memberId = m.memberId();
                    ctx.timer().schedule(sessionKey(groupId, memberId), config.consumerSessionTimeoutMs(),
                            c -> fence(c, groupId, memberId, "its session timed out"));
                }
            }
        }
    }

    static String sessionKey(String groupId, String memberId) {
        return "consumer-session-" + groupId + "-" + memberId;
    }

    static String rebalanceKey(String groupId, String memberId) {
        return "consumer-rebalance-" + groupId + "-" + memberId;
    }
}
