package io.surety.broker.api;

import io.surety.broker.config.TopicsConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.apache.kafka.common.resource.Resource;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Metadata: this node as the only broker and controller, and the requested topics with their ids
 * and partitions (this node leads and alone replicates every one). Unknown topics are created when
 * the client allows it and {@code auto.create.topics.enable} is on.
 */
final class MetadataHandler implements ApiHandler {


    private final TopicsConfig topicsConfig;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final TopicOperations topicOperations;
    private final BrokerNode localNode;

    MetadataHandler(TopicsConfig topicsConfig, TopicRegistry topics, PartitionRegistry partitions,
            TopicOperations topicOperations, BrokerNode localNode) {
        this.topicsConfig = topicsConfig;
        this.topics = topics;
        this.partitions = partitions;
        this.topicOperations = topicOperations;
        this.localNode = localNode;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        MetadataRequest body = (MetadataRequest) request.body();
        MetadataRequestData data = body.data();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(localNode.clusterId())
                .setControllerId(localNode.nodeId())
                .setClusterAuthorizedOperations(AuthorizedOperations.OMITTED);
        response.brokers().add(localNode.metadataBroker());
        Access access = request.access();
        if (body.isAllTopics()) {
            // Topics the requester may not DESCRIBE are left out, as Kafka leaves them out.
            for (TopicInfo topic : topics.all()) {
                if (access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())) {
                    response.topics().add(describe(topic));
                }
            }
        } else {
            boolean mayCreate = topicsConfig.autoCreateTopicsEnable() && (request.version() < 4 || data.allowAutoTopicCreation());
            for (MetadataRequestData.MetadataRequestTopic requested : data.topics()) {
                response.topics().add(lookup(requested, mayCreate, access));
            }
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(AuthorizedOperations.fill(response, data, access)));
    }

    private MetadataResponseTopic lookup(MetadataRequestData.MetadataRequestTopic requested, boolean mayCreate,
            Access access) {
        String name = requested.name();
        if (name == null) {
            Uuid id = requested.topicId();
            TopicInfo topic = topics.get(id);
            if (topic != null && !access.allows(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name())) {
                return new MetadataResponseTopic().setTopicId(id).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
            }
            return topic != null ? describe(topic) : new MetadataResponseTopic().setTopicId(id)
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        MetadataResponseTopic missing = new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                .setTopicAuthorizedOperations(AuthorizedOperations.OMITTED);
        // Before existence, so that existence never leaks.
        if (access.deniedTopic(name)) {
            return missing.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        }
        TopicInfo topic = topics.get(name);
        if (topic != null) {
            return describe(topic);
        }
        try {
            TopicOperations.validateName(name);
        } catch (InvalidTopicException e) {
            return missing.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!mayCreate) {
            return missing.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        // Auto-creation needs CREATE on the cluster or on the topic.
        if (!access.allowsQuietly(AclOperation.CREATE, ResourceType.CLUSTER, Resource.CLUSTER_NAME)
                && !access.allows(AclOperation.CREATE, ResourceType.TOPIC, name)) {
            return missing.setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code());
        }
        try {
            return describe(topicOperations.createWithDefaults(name));
        } catch (IOException e) {
            return missing.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }

    private MetadataResponseTopic describe(TopicInfo topic) {
        MetadataResponseTopic out = new MetadataResponseTopic().setName(topic.name()).setTopicId(topic.id())
                .setIsInternal(false).setTopicAuthorizedOperations(AuthorizedOperations.OMITTED);
        int node = localNode.nodeId();
        for (int p = 0; p < topic.partitionCount(); p++) {
            Partition partition = partitions.get(new TopicPartition(topic.name(), p));
            boolean offline = partition == null || partition.isOffline();
            List<Integer> replicas = List.of(node);
            out.partitions().add(new MetadataResponsePartition()
                    .setPartitionIndex(p)
                    .setErrorCode(offline ? Errors.KAFKA_STORAGE_ERROR.code() : Errors.NONE.code())
                    .setLeaderId(offline ? -1 : node)
                    .setLeaderEpoch(partition == null ? 0 : partition.leaderEpoch())
                    .setReplicaNodes(replicas)
                    .setIsrNodes(offline ? List.of() : replicas)
                    .setOfflineReplicas(offline ? replicas : new ArrayList<>()));
        }
        return out;
    }
}
