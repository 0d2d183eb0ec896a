package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.CoordinatorRecord.ClassicGroupSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerGroupEpoch;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerTargetAssignment;
import io.surety.broker.coordinator.CoordinatorRecord.GroupRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetCommitted;
import io.surety.broker.coordinator.CoordinatorRecord.OffsetRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionRemoved;
import io.surety.broker.coordinator.CoordinatorRecord.TransactionSnapshot;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetStaged;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetsCompleted;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * All of the coordinator's state — groups of both protocols, committed and pending transactional
 * offsets, and transactions — and the
 * one function that changes its durable part, {@link #replay}. The protocol state machines read it
 * and write records through an {@link OperationContext}. Owned by the coordinator thread.
 */
final class GroupStateMachine {

    private final Map<String, GroupKind> groups = new TreeMap<>();
    private final OffsetStore offsets = new OffsetStore();
    private final PendingOffsetStore pendingOffsets = new PendingOffsetStore();
    private final TransactionStore transactions = new TransactionStore();
    private final GroupConfig config;
    private final TopicView topics;
    private final ClassicGroupStateMachine classic;
    private final ClassicSessionStateMachine classicSessions;
    private final OffsetStateMachine offsetRequests;
    private final GroupAdminStateMachine admin;
    private final ConsumerGroupStateMachine consumer;
    private final ConsumerGroupDescriber consumerDescriber;

    GroupStateMachine(GroupConfig config, TopicView topics) {
        this.config = config;
        this.topics = topics;
        this.classic = new ClassicGroupStateMachine(this, config);
        this.classicSessions = new ClassicSessionStateMachine(this, classic);
        this.offsetRequests = new OffsetStateMachine(this, config, topics);
        this.admin = new GroupAdminStateMachine(this);
        this.consumer = new ConsumerGroupStateMachine(this, config, topics);
        this.consumerDescriber = new ConsumerGroupDescriber(this);
    }

    /**
     * Applies one record: the only change ever made to durable coordinator state, at start-up and at
     * run time. A record kind without a case here is refused, never skipped.
     */
    void replay(CoordinatorRecord record, long nowMs) {
        if (record instanceof OffsetCommitted r) {
            offsets.apply(r);
            groups.computeIfAbsent(r.groupId(), id -> new ClassicGroup(id, r.commitTimestampMs()));
        } else if (record instanceof OffsetRemoved r) {
            offsets.apply(r);
        } else if (record instanceof ClassicGroupSnapshot r) {
            GroupKind existing = groups.get(r.groupId());
            ClassicGroup group = existing instanceof ClassicGroup c ? c : new ClassicGroup(r.groupId(), nowMs);
            group.apply(r);
            groups.put(r.groupId(), group);
        } else if (record instanceof GroupRemoved r) {
            groups.remove(r.groupId());
        } else if (record instanceof ConsumerGroupEpoch r) {
            GroupKind existing = groups.get(r.groupId());
            ConsumerGroup group = existing instanceof ConsumerGroup c ? c : new ConsumerGroup(r.groupId());
            group.apply(r);
            groups.put(r.groupId(), group);
        } else if (record instanceof ConsumerMemberState r) {
            consumerGroupFor(r.groupId(), r).apply(r);
        } else if (record instanceof ConsumerMemberRemoved r) {
            consumerGroupFor(r.groupId(), r).apply(r);
        } else if (record instanceof ConsumerTargetAssignment r) {
            consumerGroupFor(r.groupId(), r).apply(r);
        } else {
            replayTransactional(record);
        }
    }

    private void replayTransactional(CoordinatorRecord record) {
        if (record instanceof TransactionSnapshot r) {
            transactions.apply(r);
        } else if (record instanceof TransactionRemoved r) {
            transactions.apply(r);
        } else if (record instanceof TxnOffsetStaged r) {
            pendingOffsets.apply(r);
        } else if (record instanceof TxnOffsetsCompleted r) {
            List<TxnOffsetStaged> staged = pendingOffsets.complete(r);
            if (r.commit()) {
                for (TxnOffsetStaged s : staged) {
                    offsets.apply(new OffsetCommitted(s.groupId(), s.topic(), s.partition(), s.offset(), s.leaderEpoch(),
                            s.metadata(), s.commitTimestampMs()));
                }
                if (!staged.isEmpty()) {
                    groups.computeIfAbsent(r.groupId(), id -> new ClassicGroup(id, staged.get(0).commitTimestampMs()));
                }
            }
        } else {
            throw new IllegalArgumentException("No replay for record " + record);
        }
    }

    private ConsumerGroup consumerGroupFor(String groupId, CoordinatorRecord r) {
        if (groups.get(groupId) instanceof ConsumerGroup group) {
            return group;
        }
        throw new IllegalStateException("Record " + r + " for a group that is not a consumer group");
    }

    /** Records that rebuild exactly the current durable state, for journal compaction. */
    List<CoordinatorRecord> liveRecords() {
        List<CoordinatorRecord> out = new ArrayList<>();
        for (GroupKind group : groups.values()) {
            if (group instanceof ClassicGroup c && c.lastSnapshot() != null) {
                out.add(c.lastSnapshot());
            } else if (group instanceof ConsumerGroup c) {
                out.addAll(c.liveRecords());
            }
        }
        for (String groupId : new java.util.TreeSet<>(offsets.groupIds())) {
            List<OffsetCommitted> committed = new ArrayList<>(offsets.all(groupId).values());
            committed.sort(java.util.Comparator.comparing(OffsetCommitted::topic).thenComparingInt(OffsetCommitted::partition));
            out.addAll(committed);
        }
        out.addAll(transactions.liveRecords());
        out.addAll(pendingOffsets.liveRecords());
        return out;
    }

    GroupKind group(String groupId) {
        return groups.get(groupId);
    }

    /** The classic group, or null if absent or of the other protocol. */
    ClassicGroup classic(String groupId) {
        return groups.get(groupId) instanceof ClassicGroup c ? c : null;
    }

    /** The consumer group, or null if absent or of the other protocol. */
    ConsumerGroup consumerGroup(String groupId) {
        return groups.get(groupId) instanceof ConsumerGroup c ? c : null;
    }

    Collection<GroupKind> groups() {
        return Collections.unmodifiableCollection(groups.values());
    }

    OffsetStore offsets() {
        return offsets;
    }

    PendingOffsetStore pendingOffsets() {
        return pendingOffsets;
    }

    TransactionStore transactions() {
        return transactions;
    }

    GroupConfig config() {
        return config;
    }

    TopicView topics() {
        return topics;
    }

    ClassicGroupStateMachine classicJoins() {
        return classic;
    }

    ClassicSessionStateMachine classicSessions() {
        return classicSessions;
    }

    OffsetStateMachine offsetRequests() {
        return offsetRequests;
    }

    GroupAdminStateMachine admin() {
        return admin;
    }

    ConsumerGroupStateMachine consumer() {
        return consumer;
    }

    ConsumerGroupDescriber consumerDescriber() {
        return consumerDescriber;
    }
}
