package io.surety.broker.coordinator;

import io.surety.broker.coordinator.CoordinatorRecord.ConsumerGroupEpoch;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerTargetAssignment;
import io.surety.broker.coordinator.CoordinatorRecord.MemberState;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.Uuid;

/**
 * A consumer-protocol (KIP-848) group: its epoch, its members' states and its target assignment.
 * Every field changes only through {@link #apply} of a journal record. Owned by the coordinator
 * thread.
 */
final class ConsumerGroup implements GroupKind {

    private final String groupId;
    private int groupEpoch;
    private long metadataHash;
    private int assignmentEpoch;
    private Map<String, Assignment> targets = Map.of();
    private final Map<String, ConsumerMemberState> members = new LinkedHashMap<>();
    private final Map<String, String> staticMembers = new HashMap<>();

    ConsumerGroup(String groupId) {
        this.groupId = groupId;
    }

    void apply(ConsumerGroupEpoch record) {
        groupEpoch = record.epoch();
        metadataHash = record.metadataHash();
    }

    void apply(ConsumerMemberState record) {
        ConsumerMemberState previous = members.put(record.memberId(), record);
        if (previous != null && previous.instanceId() != null) {
            staticMembers.remove(previous.instanceId());
        }
        if (record.instanceId() != null) {
            staticMembers.put(record.instanceId(), record.memberId());
        }
    }

    void apply(ConsumerMemberRemoved record) {
        ConsumerMemberState removed = members.remove(record.memberId());
        if (removed != null && removed.instanceId() != null
                && record.memberId().equals(staticMembers.get(removed.instanceId()))) {
            staticMembers.remove(removed.instanceId());
        }
    }

    void apply(ConsumerTargetAssignment record) {
        assignmentEpoch = record.assignmentEpoch();
        targets = record.targets();
    }

    /** The records that recreate this group (for journal compaction). */
    List<CoordinatorRecord> liveRecords() {
        List<CoordinatorRecord> out = new ArrayList<>();
        out.add(new ConsumerGroupEpoch(groupId, groupEpoch, metadataHash));
        out.addAll(members.values());
        out.add(new ConsumerTargetAssignment(groupId, assignmentEpoch, targets));
        return out;
    }

    @Override
    public String groupId() {
        return groupId;
    }

    @Override
    public String typeName() {
        return "consumer";
    }

    @Override
    public String stateName() {
        if (members.isEmpty()) {
            return "Empty";
        }
        if (groupEpoch > assignmentEpoch) {
            return "Assigning";
        }
        for (ConsumerMemberState m : members.values()) {
            if (m.memberEpoch() != assignmentEpoch || m.state() != MemberState.STABLE) {
                return "Reconciling";
            }
        }
        return "Stable";
    }

    @Override
    public boolean isEmpty() {
        return members.isEmpty();
    }

    @Override
    public String protocolTypeOrEmpty() {
        return "consumer";
    }

    int groupEpoch() {
        return groupEpoch;
    }

    long metadataHash() {
        return metadataHash;
    }

    int assignmentEpoch() {
        return assignmentEpoch;
    }

    Map<String, Assignment> targets() {
        return targets;
    }

    Assignment target(String memberId) {
        return targets.getOrDefault(memberId, Assignment.EMPTY);
    }

    ConsumerMemberState member(String memberId) {
        return members.get(memberId);
    }

    Collection<ConsumerMemberState> members() {
        return members.values();
    }

    String staticMemberId(String instanceId) {
        return staticMembers.get(instanceId);
    }

    /** Whether any member is subscribed to {@code topic} by name. */
    boolean isSubscribedTo(String topic) {
        for (ConsumerMemberState m : members.values()) {
            if (m.subscribedTopics().contains(topic)) {
                return true;
            }
        }
        return false;
    }

    /** Which member owns (assigned or still revoking) each partition, other than {@code except}. */
    Map<Uuid, Map<Integer, String>> ownersExcept(String except) {
        Map<Uuid, Map<Integer, String>> owners = new HashMap<>();
        for (ConsumerMemberState m : members.values()) {
            if (m.memberId().equals(except)) {
                continue;
            }
            for (Assignment a : List.of(m.assigned(), m.revoking())) {
                for (Map.Entry<Uuid, Set<Integer>> e : a.partitions().entrySet()) {
                    for (int p : e.getValue()) {
                        owners.computeIfAbsent(e.getKey(), t -> new HashMap<>()).put(p, m.memberId());
                    }
                }
            }
        }
        return owners;
    }
}
