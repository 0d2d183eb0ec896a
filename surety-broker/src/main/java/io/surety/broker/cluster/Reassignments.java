package io.surety.broker.cluster;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignablePartition;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData.ReassignableTopic;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignablePartitionResponse;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData.ReassignableTopicResponse;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData.ListPartitionReassignmentsTopics;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingPartitionReassignment;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData.OngoingTopicReassignment;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Moving partitions between brokers: AlterPartitionReassignments starts, changes or cancels a
 * reassignment and ListPartitionReassignments lists those in progress, as Kafka's KRaft controller
 * does ({@code ReplicationControlManager}, {@code PartitionReassignmentReplicas},
 * {@code PartitionReassignmentRevert}). Stateless.
 *
 * <p>A reassignment to target replicas T of a partition whose replicas are R writes the replicas
 * T followed by R − T, with T − R as {@code adding} and R − T as {@code removing}. The adding
 * replicas follow the leader like any other and join the ISR through the leader's usual ISR
 * expansion (AlterPartition); the change that puts the last of T in the ISR completes the
 * reassignment ({@link PartitionChangeBuilder}): the replicas become T, the removing ones leave
 * the ISR, and a leader among them hands over to one elected from T. Each node drops its replica
 * when the committed replicas no longer name it.
 *
 * <p>Errors, as Kafka: UNKNOWN_TOPIC_OR_PARTITION for a partition that does not exist;
 * INVALID_REPLICA_ASSIGNMENT for an empty target, a duplicate, or a broker that is not registered
 * (a registered broker that is fenced is accepted: its replica catches up when it is back);
 * INVALID_REPLICATION_FACTOR when the target changes the replication factor and the request
 * (v1) does not allow it; NO_REASSIGNMENT_IN_PROGRESS when cancelling (null target) a partition
 * with none.
 *
 * <p>Implementation notes: a cancel reverts to the replicas before the reassignment and keeps in
 * the ISR only those of them that were in it. Where none was (every in-sync replica is one being
 * added), Kafka reverts with an unclean election; this refuses the cancel instead with
 * INVALID_REPLICA_ASSIGNMENT, so that cancelling never loses acknowledged records, and the
 * reassignment may still complete or be given another target.
 */
final class Reassignments {

    private Reassignments() {
    }

    /** AlterPartitionReassignments: one change per partition, all in one entry. */
    static Decision<AlterPartitionReassignmentsResponseData> alter(ClusterImage image,
            AlterPartitionReassignmentsRequestData request) {
        AlterPartitionReassignmentsResponseData response = new AlterPartitionReassignmentsResponseData()
                .setAllowReplicationFactorChange(request.allowReplicationFactorChange());
        List<ClusterRecord> records = new ArrayList<>();
        for (ReassignableTopic topic : request.topics()) {
            ReassignableTopicResponse topicResult = new ReassignableTopicResponse().setName(topic.name());
            response.responses().add(topicResult);
            for (ReassignablePartition partition : topic.partitions()) {
                ApiError error = alterOne(image, topic.name(), partition, request.allowReplicationFactorChange(),
                        records);
                topicResult.partitions().add(new ReassignablePartitionResponse()
                        .setPartitionIndex(partition.partitionIndex()).setErrorCode(error.error().code())
                        .setErrorMessage(error.message()));
            }
        }
        return new Decision<>(records, response);
    }

    private static ApiError alterOne(ClusterImage image, String topicName, ReassignablePartition partition,
            boolean allowReplicationFactorChange, List<ClusterRecord> records) {
        TopicImage topic = image.topic(topicName);
        PartitionState state = topic == null ? null : topic.partition(partition.partitionIndex());
        if (state == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "No such partition as " + topicName + "-" + partition.partitionIndex());
        }
        PartitionChangeBuilder builder = new PartitionChangeBuilder(topic.id(), partition.partitionIndex(), state,
                Elections.eligible(image));
        ApiError error = partition.replicas() == null ? cancel(state, builder)
                : change(image, state, partition.replicas(), allowReplicationFactorChange, builder);
        if (error.isSuccess()) {
            builder.build().ifPresent(records::add);
        }
        return error;
    }

    /** Back to the replicas before the reassignment, with those of them in the ISR. */
    private static ApiError cancel(PartitionState state, PartitionChangeBuilder builder) {
        if (!state.reassigning()) {
            return new ApiError(Errors.NO_REASSIGNMENT_IN_PROGRESS);
        }
        List<Integer> isr = new ArrayList<>(state.isr());
        isr.removeAll(state.addingReplicas());
        if (isr.isEmpty()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Every in-sync replica is one being added, "
                    + state.addingReplicas() + "; cancelling would lose what only they hold");
        }
        builder.targetReassignment(state.originalReplicas(), List.of(), List.of()).targetIsr(isr);
        return ApiError.NONE;
    }

    /**
     * Kafka's {@code PartitionReassignmentReplicas}: target first, then the replicas being removed,
     * reckoned from the replicas before any reassignment in progress (a new target replaces it).
     */
    private static ApiError change(ClusterImage image, PartitionState state, List<Integer> target,
            boolean allowReplicationFactorChange, PartitionChangeBuilder builder) {
        ApiError invalid = validateTarget(image, target);
        if (!invalid.isSuccess()) {
            return invalid;
        }
        int replicationFactor = state.targetReplicas().size();
        if (!allowReplicationFactorChange && target.size() != replicationFactor) {
            return new ApiError(Errors.INVALID_REPLICATION_FACTOR, "The replication factor would change from "
                    + replicationFactor + " to " + target.size() + ", which the request does not allow");
        }
        List<Integer> original = state.originalReplicas();
        List<Integer> removing = original.stream().filter(r -> !target.contains(r)).toList();
        List<Integer> adding = target.stream().filter(r -> !original.contains(r)).toList();
        List<Integer> replicas = new ArrayList<>(target);
        replicas.addAll(removing);
        List<Integer> isr = state.isr().stream().filter(replicas::contains).toList();
        if (isr.isEmpty()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "Every in-sync replica is one being added by the "
                    + "reassignment in progress and not in the new target; it would lose what only they hold");
        }
        builder.targetReassignment(replicas, adding, removing).targetIsr(isr);
        return ApiError.NONE;
    }

    private static ApiError validateTarget(ClusterImage image, List<Integer> target) {
        if (target.isEmpty()) {
            return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The target replica list is empty");
        }
        Set<Integer> seen = new HashSet<>();
        for (int brokerId : target) {
            if (!seen.add(brokerId)) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The target replicas " + target
                        + " name broker " + brokerId + " twice");
            }
            if (image.broker(brokerId) == null) {
                return new ApiError(Errors.INVALID_REPLICA_ASSIGNMENT, "The target replicas " + target
                        + " name broker " + brokerId + ", but no such broker is registered");
            }
        }
        return ApiError.NONE;
    }

    /**
     * ListPartitionReassignments: every partition with a reassignment in progress (of the named
     * topics and partitions, when named; unknown ones are left out, as Kafka does).
     */
    static ListPartitionReassignmentsResponseData list(ClusterImage image, ListPartitionReassignmentsRequestData request) {
        ListPartitionReassignmentsResponseData response = new ListPartitionReassignmentsResponseData();
        if (request.topics() == null) {
            image.topicsByName().values().forEach(topic -> listTopic(topic, Optional.empty(), response));
        } else {
            for (ListPartitionReassignmentsTopics named : request.topics()) {
                TopicImage topic = image.topic(named.name());
                if (topic != null) {
                    listTopic(topic, Optional.of(named.partitionIndexes()), response);
                }
            }
        }
        return response;
    }

    private static void listTopic(TopicImage topic, Optional<List<Integer>> partitionIds,
            ListPartitionReassignmentsResponseData response) {
        OngoingTopicReassignment ongoing = new OngoingTopicReassignment().setName(topic.name());
        topic.partitions().forEach((id, state) -> {
            if (state.reassigning() && partitionIds.map(ids -> ids.contains(id)).orElse(true)) {
                ongoing.partitions().add(new OngoingPartitionReassignment().setPartitionIndex(id)
                        .setReplicas(state.replicas()).setAddingReplicas(state.addingReplicas())
                        .setRemovingReplicas(state.removingReplicas()));
            }
        });
        if (!ongoing.partitions().isEmpty()) {
            response.topics().add(ongoing);
        }
    }
}
