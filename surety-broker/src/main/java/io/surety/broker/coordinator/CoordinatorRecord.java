package io.surety.broker.coordinator;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.TopicPartition;

/**
 * One change to the coordinator's durable state: groups, their offsets, and transactions. Every
 * durable change is one of these: an operation writes records, the in-memory state applies them
 * by {@link GroupStateMachine#replay}, and a restart rebuilds the same state by replaying the
 * journal. Values, immutable.
 *
 * <p>The byte layout of each kind is in {@link RecordCodec}.
 */
sealed interface CoordinatorRecord {

    /** A committed offset for one partition; replaces the previous one. */
    record OffsetCommitted(String groupId, String topic, int partition, long offset, int leaderEpoch,
            String metadata, long commitTimestampMs) implements CoordinatorRecord {
        public OffsetCommitted {
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /** The committed offset of one partition is gone (OffsetDelete, DeleteGroups, expiry). */
    record OffsetRemoved(String groupId, String topic, int partition) implements CoordinatorRecord {
    }

    /**
     * A classic group's last completed generation: who was in it and what each member was
     * assigned. {@code protocolType} is null for a group that only ever stored offsets.
     */
    record ClassicGroupSnapshot(String groupId, String protocolType, int generation, String protocolName,
            String leaderId, long stateTimestampMs, List<ClassicMemberSnapshot> members) implements CoordinatorRecord {
        public ClassicGroupSnapshot {
            members = List.copyOf(members);
        }
    }

    /** One member of a {@link ClassicGroupSnapshot}; {@code subscription} is its metadata for the chosen protocol. */
    record ClassicMemberSnapshot(String memberId, String instanceId, String clientId, String clientHost,
            int rebalanceTimeoutMs, int sessionTimeoutMs, byte[] subscription, byte[] assignment) {
    }

    /** The group (of either type) is gone; its offsets are removed by their own records. */
    record GroupRemoved(String groupId) implements CoordinatorRecord {
    }

    /**
     * A consumer (KIP-848) group's epoch, bumped whenever its target assignment must be recomputed;
     * {@code metadataHash} fingerprints the subscribed topics' partition counts it was computed for.
     * Creates the group if it does not exist.
     */
    record ConsumerGroupEpoch(String groupId, int epoch, long metadataHash) implements CoordinatorRecord {
    }

    /** A consumer group member's whole state: subscription, epochs and the partitions it owns. */
    record ConsumerMemberState(String groupId, String memberId, String instanceId, String rackId, String clientId,
            String clientHost, List<String> subscribedTopics, String subscribedRegex, String serverAssignor,
            int rebalanceTimeoutMs, int memberEpoch, int previousMemberEpoch, MemberState state,
            Assignment assigned, Assignment revoking) implements CoordinatorRecord {
        public ConsumerMemberState {
            subscribedTopics = List.copyOf(subscribedTopics);
        }
    }

    /** The member has left or was fenced. */
    record ConsumerMemberRemoved(String groupId, String memberId) implements CoordinatorRecord {
    }

    /** The target assignment of a consumer group at {@code assignmentEpoch}: member id → partitions. */
    record ConsumerTargetAssignment(String groupId, int assignmentEpoch, Map<String, Assignment> targets)
            implements CoordinatorRecord {
        public ConsumerTargetAssignment {
            targets = Map.copyOf(targets);
        }
    }

    /**
     * Where a consumer group member stands in reconciling its assignment with the target (KIP-848).
     * Persisted as {@link #code()}: a code, once given, is never changed or reused.
     */
    enum MemberState {
        /** Owns exactly its target at the current assignment epoch. */
        STABLE(0),
        /** Must give up {@code revoking} before it can move to the next epoch. */
        UNREVOKED_PARTITIONS(1),
        /** At the target epoch, but some target partitions are still owned by others. */
        UNRELEASED_PARTITIONS(2);

        private final byte code;

        MemberState(int code) {
            this.code = (byte) code;
        }

        /** The byte that stands for this state in the journal. */
        byte code() {
            return code;
        }

        /**
         * The state stored as {@code code}.
         *
         * @throws IllegalArgumentException naming the code when no state has it
         */
        static MemberState fromCode(byte code) {
            for (MemberState state : values()) {
                if (state.code == code) {
                    return state;
                }
            }
            throw new IllegalArgumentException("unknown member state code " + code);
        }
    }

    /**
     * A transactional id's whole state after a transition (Kafka's TransactionLogValue): replaces
     * the previous one. {@code partitions} and {@code groups} are what the current transaction
     * wrote to; they are kept until its markers are written, then cleared.
     */
    record TransactionSnapshot(String transactionalId, long producerId, long previousProducerId, short producerEpoch,
            short lastProducerEpoch, int timeoutMs, TransactionStatus status, List<TopicPartition> partitions,
            List<String> groups, long startTimestampMs, long updateTimestampMs) implements CoordinatorRecord {
        public TransactionSnapshot {
            Objects.requireNonNull(transactionalId, "transactionalId");
            partitions = List.copyOf(partitions);
            groups = List.copyOf(groups);
        }
    }

    /** The transactional id expired (transactional.id.expiration.ms) and is forgotten. */
    record TransactionRemoved(String transactionalId) implements CoordinatorRecord {
    }

    /**
     * An offset committed inside producer {@code producerId}'s transaction (TxnOffsetCommit):
     * pending until that transaction ends, replacing the producer's earlier pending offset for the
     * same partition.
     */
    record TxnOffsetStaged(String groupId, long producerId, String topic, int partition, long offset, int leaderEpoch,
            String metadata, long commitTimestampMs) implements CoordinatorRecord {
        public TxnOffsetStaged {
            Objects.requireNonNull(metadata, "metadata");
        }
    }

    /**
     * The transaction of {@code producerId} ended for {@code groupId}: with {@code commit} its
     * pending offsets become the group's committed offsets, otherwise they are dropped. The
     * group's share of the transaction's markers.
     */
    record TxnOffsetsCompleted(String groupId, long producerId, boolean commit) implements CoordinatorRecord {
    }
}
