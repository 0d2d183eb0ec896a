package io.surety.broker.cluster;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData.BrokerState;
import org.apache.kafka.common.protocol.Errors;

/**
 * Whether one partition of an AlterPartition request may be applied: Kafka's
 * {@code validateAlterPartitionData}, check for check and in the same order, so a leader gets
 * the error a Kafka controller would give. Stateless.
 *
 * <ol>
 *   <li>unknown partition: UNKNOWN_TOPIC_OR_PARTITION;</li>
 *   <li>a leader or partition epoch above the controller's: NOT_CONTROLLER (the sender has seen
 *       metadata this controller has not, so it is likely no longer the active one);</li>
 *   <li>a leader epoch below the current one: FENCED_LEADER_EPOCH;</li>
 *   <li>the sender is not the leader: INVALID_REQUEST;</li>
 *   <li>a partition epoch below the current one: INVALID_UPDATE_VERSION;</li>
 *   <li>an ISR that is not a duplicate-free subset of the replicas, or lacks the leader: INVALID_REQUEST;</li>
 *   <li>a RECOVERING leader proposing more than itself, or going back from RECOVERED to
 *       RECOVERING: INVALID_REQUEST;</li>
 *   <li>an ISR member not registered, shutting down, fenced, with a broker epoch other than its
 *       current one (-1 skips that check), or whose directory awaits the replace step:
 *       INELIGIBLE_REPLICA.</li>
 * </ol>
 */
final class AlterPartitionValidation {

    private AlterPartitionValidation() {
    }

    static Errors validate(ClusterImage image, int senderId, PartitionState state,
            AlterPartitionRequestData.PartitionData data, List<BrokerState> newIsr) {
        if (state == null) {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (data.leaderEpoch() > state.leaderEpoch() || data.partitionEpoch() > state.partitionEpoch()) {
            return Errors.NOT_CONTROLLER;
        }
        if (data.leaderEpoch() < state.leaderEpoch()) {
            return Errors.FENCED_LEADER_EPOCH;
        }
        if (senderId != state.leader()) {
            return Errors.INVALID_REQUEST;
        }
        if (data.partitionEpoch() < state.partitionEpoch()) {
            return Errors.INVALID_UPDATE_VERSION;
        }
        Set<Integer> isr = new HashSet<>();
        for (BrokerState member : newIsr) {
            if (!state.replicas().contains(member.brokerId()) || !isr.add(member.brokerId())) {
                return Errors.INVALID_REQUEST;
            }
        }
        if (!isr.contains(state.leader())) {
            return Errors.INVALID_REQUEST;
        }
        LeaderRecoveryState proposed;
        try {
            proposed = LeaderRecoveryState.fromCode(data.leaderRecoveryState());
        } catch (IllegalArgumentException e) {
            return Errors.INVALID_REQUEST;
        }
        if (proposed == LeaderRecoveryState.RECOVERING && isr.size() > 1) {
            return Errors.INVALID_REQUEST;
        }
        if (state.leaderRecoveryState() == LeaderRecoveryState.RECOVERED && proposed == LeaderRecoveryState.RECOVERING) {
            return Errors.INVALID_REQUEST;
        }
        for (BrokerState member : newIsr) {
            if (!eligibleForIsr(image, member)) {
                return Errors.INELIGIBLE_REPLICA;
            }
        }
        return Errors.NONE;
    }

    private static boolean eligibleForIsr(ClusterImage image, BrokerState member) {
        BrokerRegistration broker = image.broker(member.brokerId());
        return broker != null && broker.eligible()
                && (member.brokerEpoch() == -1 || member.brokerEpoch() == broker.brokerEpoch());
    }
}
