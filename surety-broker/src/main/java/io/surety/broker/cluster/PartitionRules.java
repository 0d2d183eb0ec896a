package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterImage.PartitionRef;
import io.surety.broker.cluster.ClusterRecord.PartitionChange;
import io.surety.broker.cluster.PartitionChangeBuilder.Election;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.ElectionType;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData.BrokerState;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData.TopicPartitions;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.ElectLeadersResponseData.PartitionResult;
import org.apache.kafka.common.message.ElectLeadersResponseData.ReplicaElectionResult;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * ISR changes asked for by partition leaders (AlterPartition) and leader elections asked for by
 * operators (ElectLeaders) or due periodically (unclean elections for leaderless partitions of
 * topics that allow them). Kafka's {@code ReplicationControlManager} rules; stateless.
 */
final class PartitionRules {

    private final ControllerConfig config;

    PartitionRules(ControllerConfig config) {
        this.config = config;
    }

    /**
     * A leader's ISR change, topics named by id (AlterPartition v2+; kafka-clients 4 has no
     * names). UNKNOWN_TOPIC_ID for an unknown topic. The whole request fails with STALE_BROKER_EPOCH when the sender's
     * broker epoch is not current; each partition is validated as Kafka's
     * {@code validateAlterPartitionData} does, and answered with the state it has once the
     * records are applied (NEW_LEADER_ELECTED if the change moved leadership).
     */
    Decision<AlterPartitionResponseData> alterPartition(ClusterImage image, AlterPartitionRequestData request) {
        AlterPartitionResponseData response = new AlterPartitionResponseData();
        Errors epochError = BrokerLifecycleRules.checkBrokerEpoch(image, request.brokerId(), request.brokerEpoch());
        if (epochError != Errors.NONE) {
            return Decision.answer(response.setErrorCode(epochError.code()));
        }
        List<ClusterRecord> records = new ArrayList<>();
        for (AlterPartitionRequestData.TopicData topicData : request.topics()) {
            AlterPartitionResponseData.TopicData topicResult = new AlterPartitionResponseData.TopicData()
                    .setTopicId(topicData.topicId());
            response.topics().add(topicResult);
            TopicImage topic = image.topic(topicData.topicId());
            Set<Integer> seen = new LinkedHashSet<>();
            for (AlterPartitionRequestData.PartitionData data : topicData.partitions()) {
                AlterPartitionResponseData.PartitionData result = new AlterPartitionResponseData.PartitionData()
                        .setPartitionIndex(data.partitionIndex());
                topicResult.partitions().add(result);
                if (topic == null) {
                    result.setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
                } else if (!seen.add(data.partitionIndex())) {
                    result.setErrorCode(Errors.INVALID_REQUEST.code());
                } else {
                    alterOne(image, request.brokerId(), topic, data, result).ifPresent(records::add);
                }
            }
        }
        return new Decision<>(records, response);
    }

    private Optional<PartitionChange> alterOne(ClusterImage image, int senderId, TopicImage topic,
            AlterPartitionRequestData.PartitionData data, AlterPartitionResponseData.PartitionData result) {
        PartitionState state = topic.partition(data.partitionIndex());
        List<BrokerState> newIsr = newIsr(data);
        Errors error = AlterPartitionValidation.validate(image, senderId, state, data, newIsr);
        if (error != Errors.NONE) {
            result.setErrorCode(error.code());
            return Optional.empty();
        }
        List<Integer> isr = newIsr.stream().map(BrokerState::brokerId).toList();
        PartitionChangeBuilder builder = new PartitionChangeBuilder(topic.id(), data.partitionIndex(), state,
                Elections.eligible(image))
                .targetIsr(isr)
                .targetRecoveryState(LeaderRecoveryState.fromCode(data.leaderRecoveryState()))
                .election(Elections.uncleanEnabled(topic, config) ? Election.UNCLEAN : Election.ONLINE);
        Optional<PartitionChange> change = builder.build();
        PartitionState after = change.map(state::apply).orElse(state);
        if (after.leader() != senderId) {
            result.setErrorCode(Errors.NEW_LEADER_ELECTED.code());
        } else {
            result.setErrorCode(Errors.NONE.code()).setLeaderId(after.leader()).setLeaderEpoch(after.leaderEpoch())
                    .setIsr(after.isr()).setPartitionEpoch(after.partitionEpoch())
                    .setLeaderRecoveryState(after.leaderRecoveryState().code());
        }
        return change;
    }

    /** The proposed ISR with broker epochs: v3+ sends them; older versions send ids only (epoch -1, unchecked). */
    private static List<BrokerState> newIsr(AlterPartitionRequestData.PartitionData data) {
        if (!data.newIsrWithEpochs().isEmpty() || data.newIsr().isEmpty()) {
            return data.newIsrWithEpochs();
        }
        return data.newIsr().stream().map(id -> new BrokerState().setBrokerId(id).setBrokerEpoch(-1)).toList();
    }

    /**
     * ElectLeaders: PREFERRED moves leadership to the first replica when it is in the ISR and
     * eligible; UNCLEAN elects a leader for a leaderless partition, from outside the ISR if it
     * must. ELECTION_NOT_NEEDED when the preferred replica already leads (PREFERRED) or there is a
     * leader (UNCLEAN); PREFERRED_LEADER_NOT_AVAILABLE or ELIGIBLE_LEADERS_NOT_AVAILABLE when no
     * change is possible. Null topic partitions mean every partition, and then partitions that
     * need no election are left out of the answer, as Kafka does.
     */
    Decision<ElectLeadersResponseData> electLeaders(ClusterImage image, ElectLeadersRequestData request) {
        ElectLeadersResponseData response = new ElectLeadersResponseData();
        ElectionType type;
        try {
            type = ElectionType.valueOf(request.electionType());
        } catch (IllegalArgumentException e) {
            return Decision.answer(response.setErrorCode(Errors.INVALID_REQUEST.code()));
        }
        List<ClusterRecord> records = new ArrayList<>();
        if (request.topicPartitions() == null) {
            for (TopicImage topic : image.topicsByName().values()) {
                ReplicaElectionResult topicResult = new ReplicaElectionResult().setTopic(topic.name());
                response.replicaElectionResults().add(topicResult);
                for (int partitionId : topic.partitions().keySet()) {
                    ApiError error = electOne(image, topic.name(), partitionId, type, records);
                    if (error.error() != Errors.ELECTION_NOT_NEEDED) {
                        topicResult.partitionResult().add(result(partitionId, error));
                    }
                }
            }
        } else {
            for (TopicPartitions topic : request.topicPartitions()) {
                ReplicaElectionResult topicResult = new ReplicaElectionResult().setTopic(topic.topic());
                response.replicaElectionResults().add(topicResult);
                for (int partitionId : new LinkedHashSet<>(topic.partitions())) {
                    topicResult.partitionResult().add(result(partitionId, electOne(image, topic.topic(), partitionId,
                            type, records)));
                }
            }
        }
        return new Decision<>(records, response);
    }

    private static PartitionResult result(int partitionId, ApiError error) {
        return new PartitionResult().setPartitionId(partitionId).setErrorCode(error.error().code())
                .setErrorMessage(error.message());
    }

    private ApiError electOne(ClusterImage image, String topicName, int partitionId, ElectionType type,
            List<ClusterRecord> records) {
        TopicImage topic = image.topic(topicName);
        PartitionState state = topic == null ? null : topic.partition(partitionId);
        if (state == null) {
            return new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "No such partition as " + topicName + "-" + partitionId);
        }
        boolean preferred = type == ElectionType.PREFERRED;
        if (preferred ? state.leader() == state.preferredLeader() : state.hasLeader()) {
            return new ApiError(Errors.ELECTION_NOT_NEEDED);
        }
        Optional<PartitionChange> change = new PartitionChangeBuilder(topic.id(), partitionId, state, Elections.eligible(image))
                .election(preferred ? Election.PREFERRED : Election.UNCLEAN)
                .build();
        if (change.isEmpty()) {
            return new ApiError(preferred ? Errors.PREFERRED_LEADER_NOT_AVAILABLE : Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE);
        }
        records.add(change.get());
        return ApiError.NONE;
    }

    /**
     * Unclean elections for every leaderless partition of a topic with
     * {@code unclean.leader.election.enable} (Kafka runs this every
     * {@code unclean.leader.election.interval.ms}); the answer counts the partitions elected.
     */
    Decision<Integer> electUncleanLeaders(ClusterImage image) {
        List<ClusterRecord> records = new ArrayList<>();
        for (PartitionRef ref : image.partitions()) {
            if (!ref.state().hasLeader() && Elections.uncleanEnabled(ref.topic(), config)) {
                new PartitionChangeBuilder(ref.topic().id(), ref.partitionId(), ref.state(), Elections.eligible(image))
                        .election(Election.UNCLEAN)
                        .build().ifPresent(records::add);
            }
        }
        return new Decision<>(records, records.size());
    }
}
