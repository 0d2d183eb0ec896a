package io.surety.broker.coordinator;

import io.surety.broker.coordinator.ClassicGroup.State;
import io.surety.broker.coordinator.CoordinatorRecord.ConsumerMemberState;
import org.apache.kafka.common.protocol.Errors;

/**
 * Whether a commit may write a group's offsets: one decision for OffsetCommit and TxnOffsetCommit,
 * as Kafka's group coordinator makes it, with the codes each API and version answers. Stateless.
 *
 * <p>A commit without a generation (or member epoch) into an empty or unknown group is an admin or
 * "simple consumer" commit and is accepted. Otherwise the committing member must belong to the
 * group at its current generation (classic) or member epoch (consumer protocol). Where the two APIs
 * differ: a transactional commit answers ILLEGAL_GENERATION where OffsetCommit v9+ says
 * GROUP_ID_NOT_FOUND (unknown group) or STALE_MEMBER_EPOCH (consumer group); it is not refused
 * while a classic group completes a rebalance, nor when it names no member of a non-empty group
 * (the transaction coordinator fenced its producer already); and OffsetCommit below v9 cannot
 * commit into a consumer-protocol group at all.
 */
final class OffsetCommitCheck {

    private OffsetCommitCheck() {
    }

    /** The check of an OffsetCommit request at {@code version}. */
    static Errors offsetCommit(GroupKind group, int generationOrEpoch, String memberId, String groupInstanceId,
            short version) {
        return check(group, generationOrEpoch, memberId, groupInstanceId, false, version);
    }

    /** The check of a TxnOffsetCommit request. */
    static Errors txnOffsetCommit(GroupKind group, int generation, String memberId, String groupInstanceId) {
        return check(group, generation, memberId, groupInstanceId, true, Short.MAX_VALUE);
    }

    private static Errors check(GroupKind group, int generation, String requestMemberId, String groupInstanceId,
            boolean transactional, short version) {
        String memberId = requestMemberId == null ? "" : requestMemberId;
        if (group == null) {
            if (generation < 0) {
                return Errors.NONE;
            }
            return !transactional && version >= 9 ? Errors.GROUP_ID_NOT_FOUND : Errors.ILLEGAL_GENERATION;
        }
        if (group instanceof ConsumerGroup consumerGroup) {
            if (generation < 0 && consumerGroup.isEmpty()) {
                return Errors.NONE;
            }
            ConsumerMemberState member = consumerGroup.member(memberId);
            if (member == null) {
                return Errors.UNKNOWN_MEMBER_ID;
            }
            if (transactional) {
                return generation == member.memberEpoch() ? Errors.NONE : Errors.ILLEGAL_GENERATION;
            }
            if (version < 9) {
                return Errors.UNSUPPORTED_VERSION;
            }
            return generation == member.memberEpoch() ? Errors.NONE : Errors.STALE_MEMBER_EPOCH;
        }
        ClassicGroup classic = (ClassicGroup) group;
        if (classic.is(State.DEAD)) {
            return Errors.COORDINATOR_NOT_AVAILABLE;
        }
        if (generation < 0 && classic.is(State.EMPTY)) {
            return Errors.NONE;
        }
        if (generation >= 0 || !memberId.isEmpty() || groupInstanceId != null) {
            Errors invalid = ClassicGroupStateMachine.validateMember(classic, memberId, groupInstanceId);
            if (invalid != Errors.NONE) {
                return invalid;
            }
            if (generation != classic.generation()) {
                return Errors.ILLEGAL_GENERATION;
            }
        } else if (!transactional && !classic.is(State.EMPTY)) {
            return Errors.UNKNOWN_MEMBER_ID;
        }
        return !transactional && classic.is(State.COMPLETING_REBALANCE) ? Errors.REBALANCE_IN_PROGRESS : Errors.NONE;
    }
}
