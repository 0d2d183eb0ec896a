package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.ClusterId;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsResponseData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.ElectLeadersResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * The decisions only the active controller takes, one entry point for the quorum adapter. Each
 * reads the image the caller has finished replaying, plus a request (Kafka's own message
 * classes) and, where liveness matters, a monotonic time in nanoseconds; it returns the records
 * to propose and Kafka's answer ({@link Decision}). The image changes only when those records
 * are committed and replayed, so the caller must wait for that before the next decision
 * (decisions are serial: each sees everything before it) and send the answer only then.
 *
 * <p>The rules themselves live by area: {@link BrokerLifecycleRules} (registration, heartbeats,
 * fencing, controlled shutdown, the directory replace step), {@link PartitionRules}
 * (AlterPartition, elections), {@link Reassignments} (moving partitions between brokers),
 * {@link TopicRules} (topics and their configs) and {@link ProducerIdRules}.
 *
 * <p>Threading: the controller's single decision thread. The {@link #sessions()} are soft state
 * of this controller's term: create a new {@code ControllerRules} (or call
 * {@link BrokerSessions#activate}) whenever this node becomes the active controller.
 */
public final class ControllerRules {

    private final BrokerSessions sessions;
    private final BrokerLifecycleRules brokers;
    private final PartitionRules partitions;
    private final TopicRules topics;

    /**
     * @param configCheck validates a topic's config overrides
     * @param topicIds the id of each new topic ({@link Uuid#randomUuid} in production)
     * @param random where round-robin placement starts (seeded in tests)
     */
    public ControllerRules(ControllerConfig config, TopicConfigCheck configCheck, Supplier<Uuid> topicIds, Random random) {
        this.sessions = new BrokerSessions(TimeUnit.MILLISECONDS.toNanos(config.sessionTimeoutMs()));
        this.brokers = new BrokerLifecycleRules(config, sessions);
        this.partitions = new PartitionRules(config);
        this.topics = new TopicRules(config, configCheck, topicIds, random);
    }

    /** This controller's broker sessions. */
    public BrokerSessions sessions() {
        return sessions;
    }

    /**
     * The first record of a new quorum: the cluster id. No records when the image already has
     * this id; INCONSISTENT_CLUSTER_ID when it has another.
     */
    public Decision<ApiError> formCluster(ClusterImage image, String clusterId) {
        if (image.clusterId().isEmpty()) {
            return new Decision<>(List.of(new ClusterId(clusterId)), ApiError.NONE);
        }
        return Decision.answer(image.clusterId().get().equals(clusterId) ? ApiError.NONE
                : new ApiError(Errors.INCONSISTENT_CLUSTER_ID, "The quorum holds cluster " + image.clusterId().get()));
    }

    /** See {@link BrokerLifecycleRules#register}. */
    public Decision<BrokerRegistrationResponseData> register(ClusterImage image, BrokerRegistrationRequestData request,
            long nowNs) {
        return brokers.register(image, request, nowNs);
    }

    /** See {@link BrokerLifecycleRules#heartbeat}. */
    public Decision<BrokerHeartbeatResponseData> heartbeat(ClusterImage image, BrokerHeartbeatRequestData request,
            long nowNs) {
        return brokers.heartbeat(image, request, nowNs);
    }

    /** See {@link BrokerLifecycleRules#fenceExpired}. */
    public Decision<OptionalInt> fenceExpired(ClusterImage image, long nowNs) {
        return brokers.fenceExpired(image, nowNs);
    }

    /** See {@link BrokerLifecycleRules#acceptDirectory}. */
    public Decision<ApiError> acceptDirectory(ClusterImage image, int brokerId, Uuid directoryId) {
        return brokers.acceptDirectory(image, brokerId, directoryId);
    }

    /** See {@link PartitionRules#alterPartition}. */
    public Decision<AlterPartitionResponseData> alterPartition(ClusterImage image, AlterPartitionRequestData request) {
        return partitions.alterPartition(image, request);
    }

    /** See {@link PartitionRules#electLeaders}. */
    public Decision<ElectLeadersResponseData> electLeaders(ClusterImage image, ElectLeadersRequestData request) {
        return partitions.electLeaders(image, request);
    }

    /** See {@link PartitionRules#electUncleanLeaders}. */
    public Decision<Integer> electUncleanLeaders(ClusterImage image) {
        return partitions.electUncleanLeaders(image);
    }

    /** See {@link Reassignments#alter}. */
    public Decision<AlterPartitionReassignmentsResponseData> alterPartitionReassignments(ClusterImage image,
            AlterPartitionReassignmentsRequestData request) {
        return Reassignments.alter(image, request);
    }

    /** See {@link Reassignments#list}: an answer only, nothing to commit. */
    public ListPartitionReassignmentsResponseData listPartitionReassignments(ClusterImage image,
            ListPartitionReassignmentsRequestData request) {
        return Reassignments.list(image, request);
    }

    /** See {@link TopicRules#createTopics}. */
    public Decision<CreateTopicsResponseData> createTopics(ClusterImage image, CreateTopicsRequestData request) {
        return topics.createTopics(image, request);
    }

    /** See {@link TopicRules#createPartitions}. */
    public Decision<CreatePartitionsResponseData> createPartitions(ClusterImage image, CreatePartitionsRequestData request) {
        return topics.createPartitions(image, request);
    }

    /** See {@link TopicRules#deleteTopics}. */
    public Decision<DeleteTopicsResponseData> deleteTopics(ClusterImage image, DeleteTopicsRequestData request) {
        return topics.deleteTopics(image, request);
    }

    /** See {@link TopicRules#alterTopicConfigs}. */
    public Decision<ApiError> alterTopicConfigs(ClusterImage image, String topicName, Map<String, String> overrides,
            boolean validateOnly) {
        return topics.alterTopicConfigs(image, topicName, overrides, validateOnly);
    }

    /** See {@link TopicRules#alterTopicConfigs(ClusterImage, IncrementalAlterConfigsRequestData)}. */
    public Decision<IncrementalAlterConfigsResponseData> alterTopicConfigs(ClusterImage image,
            IncrementalAlterConfigsRequestData request) {
        return topics.alterTopicConfigs(image, request);
    }

    /** See {@link ProducerIdRules#allocate}. */
    public Decision<AllocateProducerIdsResponseData> allocateProducerIds(ClusterImage image,
            AllocateProducerIdsRequestData request) {
        return ProducerIdRules.allocate(image, request);
    }
}
