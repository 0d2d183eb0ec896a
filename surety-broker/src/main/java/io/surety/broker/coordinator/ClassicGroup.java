package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.ClassicGroupSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ClassicMemberSnapshot;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A classic-protocol group (JoinGroup/SyncGroup). Owned by the coordinator thread.
 *
 * <p>Implementation notes: the durable part is the last completed generation, written as a
 * {@link ClassicGroupSnapshot} when the leader's assignment arrives (or when a rebalance leaves the
 * group empty) and applied by {@link #apply}. The rebalance in flight — who has rejoined, the parked
 * JoinGroup and SyncGroup requests, members added or dropped since the last snapshot — lives only in
 * memory, as in Kafka: a restart loses every parked request with its connection, and the members
 * simply rejoin the reloaded generation.
 */
final class ClassicGroup implements GroupKind {

    enum State {
        EMPTY("Empty"), PREPARING_REBALANCE("PreparingRebalance"), COMPLETING_REBALANCE("CompletingRebalance"),
        STABLE("Stable"), DEAD("Dead");

        final String kafkaName;

        State(String kafkaName) {
            this.kafkaName = kafkaName;
        }
    }

    private final String groupId;
    private State state = State.EMPTY;
    private State previousState = State.EMPTY;
    private String protocolType;
    private int generation;
    private String protocolName;
    private String leaderId;
    private long stateTimestampMs;
    private final Map<String, ClassicMember> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();
    private final Set<String> pendingJoinMembers = new HashSet<>();
    private final Set<String> pendingSyncMembers = new HashSet<>();
    private boolean newMemberAdded;
    private ClassicGroupSnapshot lastSnapshot;

    ClassicGroup(String groupId, long nowMs) {
        this.groupId = groupId;
        this.stateTimestampMs = nowMs;
    }

    /** Applies a snapshot record: at start-up it rebuilds the group; at run time it completes a generation. */
    void apply(ClassicGroupSnapshot snapshot) {
        lastSnapshot = snapshot;
        protocolType = snapshot.protocolType();
        generation = snapshot.generation();
        protocolName = snapshot.protocolName();
        leaderId = snapshot.leaderId();
        stateTimestampMs = snapshot.stateTimestampMs();
        Set<String> listed = new HashSet<>();
        for (ClassicMemberSnapshot m : snapshot.members()) {
            listed.add(m.memberId());
            ClassicMember member = members.get(m.memberId());
            if (member == null) {
                member = new ClassicMember(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                        m.rebalanceTimeoutMs(), m.sessionTimeoutMs(),
                        List.of(new ClassicMember.Protocol(protocolName == null ? "" : protocolName, m.subscription())));
                add(member);
            }
            member.setAssignment(m.assignment() == null ? ClassicMember.EMPTY_ASSIGNMENT : m.assignment());
        }
        for (String id : new ArrayList<>(members.keySet())) {
            if (!listed.contains(id)) {
                remove(id);
            }
        }
        transitionTo(members.isEmpty() ? State.EMPTY : State.STABLE, snapshot.stateTimestampMs());
    }

    /** The snapshot record of the current generation with the given assignments. */
    ClassicGroupSnapshot snapshot(Map<String, byte[]> assignments, long nowMs) {
        List<ClassicMemberSnapshot> list = new ArrayList<>();
        for (ClassicMember m : members.values()) {
            list.add(new ClassicMemberSnapshot(m.memberId(), m.instanceId(), m.clientId(), m.clientHost(),
                    m.rebalanceTimeoutMs(), m.sessionTimeoutMs(), m.metadata(protocolName),
                    assignments.getOrDefault(m.memberId(), ClassicMember.EMPTY_ASSIGNMENT)));
        }
        return new ClassicGroupSnapshot(groupId, protocolType, generation, protocolName, leaderId, nowMs, list);
    }

    /** The last snapshot applied, or null for a group that only ever held offsets. */
    ClassicGroupSnapshot lastSnapshot() {
        return lastSnapshot;
    }

    void transitionTo(State next, long nowMs) {
        previousState = state;
        state = next;
        stateTimestampMs = nowMs;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String typeName() {
        return "classic";
    }

    @Override
    public String stateName() {
        return state.kafkaName;
    }

    @Override
    public boolean isEmpty() {
        return state == State.EMPTY;
    }

    @Override
    public String protocolTypeOrEmpty() {
        return protocolType == null ? "" : protocolType;
    }

    State state() {
        return state;
    }

    State previousState() {
        return previousState;
    }

    boolean is(State s) {
        return state == s;
    }

    String protocolType() {
        return protocolType;
    }

    void setProtocolType(String protocolType) {
        this.protocolType = protocolType;
    }

    int generation() {
        return generation;
    }

    String protocolName() {
        return protocolName;
    }

    String leaderId() {
        return leaderId;
    }

    long stateTimestampMs() {
        return stateTimestampMs;
    }

    boolean isLeader(String memberId) {
        return memberId.equals(leaderId);
    }

    Collection<ClassicMember> members() {
        return members.values();
    }

    int size() {
        return members.size();
    }

    ClassicMember member(String memberId) {
        return members.get(memberId);
    }

    boolean hasMember(String memberId) {
        return members.containsKey(memberId);
    }

    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    void add(ClassicMember member) {
        members.put(member.memberId(), member);
        if (member.instanceId() != null) {
            staticMembers.put(member.instanceId(), member.memberId());
        }
        if (leaderId == null) {
            leaderId = member.memberId();
        }
    }

    void remove(String memberId) {
        pendingJoinMembers.remove(memberId);
        pendingSyncMembers.remove(memberId);
        ClassicMember removed = members.remove(memberId);
        if (removed == null) {
            return;
        }
        if (removed.instanceId() != null) {
            staticMembers.remove(removed.instanceId());
        }
        if (memberId.equals(leaderId)) {
            leaderId = members.isEmpty() ? null : members.keySet().iterator().next();
        }
    }

    /** Puts {@code replacement} (same instance id, new member id) where {@code oldMemberId} was. */
    void replaceStaticMember(String oldMemberId, ClassicMember replacement) {
        boolean wasLeader = oldMemberId.equals(leaderId);
        Map<String, ClassicMember> reordered = new LinkedHashMap<>();
        for (Map.Entry<String, ClassicMember> e : members.entrySet()) {
            if (e.getKey().equals(oldMemberId)) {
                reordered.put(replacement.memberId(), replacement);
            } else {
                reordered.put(e.getKey(), e.getValue());
            }
        }
        members.clear();
        members.putAll(reordered);
        staticMembers.put(replacement.instanceId(), replacement.memberId());
        pendingSyncMembers.remove(oldMemberId);
        if (wasLeader) {
            leaderId = replacement.memberId();
        }
    }

    Set<String> pendingJoinMembers() {
        return pendingJoinMembers;
    }

    Set<String> pendingSyncMembers() {
        return pendingSyncMembers;
    }

    boolean newMemberAdded() {
        return newMemberAdded;
    }

    void setNewMemberAdded(boolean added) {
        this.newMemberAdded = added;
    }

    int awaitingJoinCount() {
        int n = 0;
        for (ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                n++;
            }
        }
        return n;
    }

    boolean allMembersJoined() {
        return members.size() == awaitingJoinCount() && pendingJoinMembers.isEmpty();
    }

    /** The largest rebalance timeout among the members: how long a join phase may wait. */
    int rebalanceTimeoutMs() {
        int max = 0;
        for (ClassicMember m : members.values()) {
            max = Math.max(max, m.rebalanceTimeoutMs());
        }
        return max;
    }

    /** Protocols every member supports. */
    Set<String> candidateProtocols() {
        Set<String> common = null;
        for (ClassicMember m : members.values()) {
            Set<String> names = new HashSet<>();
            m.protocols().forEach(p -> names.add(p.name()));
            if (common == null) {
                common = names;
            } else {
                common.retainAll(names);
            }
        }
        return common == null ? Set.of() : common;
    }

    /** Whether a member with this type and these protocols could join without breaking the group. */
    boolean supports(String memberProtocolType, List<ClassicMember.Protocol> protocols) {
        if (state == State.EMPTY) {
            return memberProtocolType != null && !memberProtocolType.isEmpty() && !protocols.isEmpty();
        }
        if (protocolType == null || !protocolType.equals(memberProtocolType)) {
            return false;
        }
        Set<String> candidates = candidateProtocols();
        return protocols.stream().anyMatch(p -> candidates.contains(p.name()));
    }

    /** The protocol with the most first-preference votes among those all members support. */
    String selectProtocol() {
        Set<String> candidates = candidateProtocols();
        Map<String, Integer> votes = new LinkedHashMap<>();
        for (ClassicMember m : members.values()) {
            votes.merge(m.vote(candidates), 1, Integer::sum);
        }
        String best = null;
        int bestVotes = -1;
        for (Map.Entry<String, Integer> e : votes.entrySet()) {
            if (e.getValue() > bestVotes) {
                best = e.getKey();
                bestVotes = e.getValue();
            }
        }
        return best;
    }

    /**
     * Keeps the leader if it rejoined, else elects a member that did. Returns false when nobody
     * rejoined (the join phase cannot complete).
     */
    boolean electJoinedLeader() {
        if (leaderId != null && members.containsKey(leaderId) && members.get(leaderId).isAwaitingJoin()) {
            return true;
        }
        for (ClassicMember m : members.values()) {
            if (m.isAwaitingJoin()) {
                leaderId = m.memberId();
                return true;
            }
        }
        return members.isEmpty();
    }

    /** Moves to the next generation: protocol chosen and CompletingRebalance, or Empty with no members. */
    void initNextGeneration(long nowMs) {
        generation++;
        pendingSyncMembers.clear();
        if (members.isEmpty()) {
            protocolName = null;
            leaderId = null;
            transitionTo(State.EMPTY, nowMs);
        } else {
            protocolName = selectProtocol();
            transitionTo(State.COMPLETING_REBALANCE, nowMs);
        }
    }
}
