package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicConfigs;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreateTopicsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreateTopics: each topic is checked the way Kafka's controller checks it (legal and
 * non-colliding name, not taken, valid configs, then counts or a manual assignment) and created
 * durably unless {@code validateOnly}. A name given twice in one request is refused with
 * INVALID_REQUEST, once. On a single node the replication factor is 1 and a manual assignment may
 * only name this node. From v5 a created topic comes back with its partition count, replication
 * factor and every config with its source; from v7 with its id.
 *
 * <p>In cluster mode the request goes to the controller as it came, which checks and places each
 * topic (replication factor up to the live brokers, replica assignments, configs, validateOnly;
 * Kafka's errors), and the answer comes back once the topics are committed, with the configs
 * added here. A controller that cannot be reached is answered, per topic, as
 * {@link ClusterView#sendToController} says.
 */
final class CreateTopicsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CreateTopicsHandler.class);
    private static final short SINGLE_REPLICA = 1;

    private final BrokerConfig brokerConfig;
    private final TopicRegistry topics;
    private final TopicOperations topicOperations;
    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    CreateTopicsHandler(BrokerConfig brokerConfig, TopicRegistry topics, TopicOperations topicOperations,
            BrokerNode localNode, Optional<ClusterView> cluster) {
        this.brokerConfig = brokerConfig;
        this.topics = topics;
        this.topicOperations = topicOperations;
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        CreateTopicsRequestData data = ((CreateTopicsRequest) request.body()).data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.CREATE_TOPICS, data)
                    .thenApply(answer -> new ApiResponse.Send(withConfigs(data, (CreateTopicsResponseData) answer)));
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (CreatableTopic topic : data.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        for (CreatableTopic topic : data.topics()) {
            if (request.access().deniedTopic(topic.name())) {
                response.topics().add(new CreatableTopicResult().setName(topic.name())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage("Authorization failed."));
            } else if (!duplicates.contains(topic.name())) {
                response.topics().add(create(topic, data.validateOnly()));
            }
        }
        for (String name : duplicates) {
            response.topics().add(new CreatableTopicResult().setName(name)
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic name."));
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private CreatableTopicResult create(CreatableTopic topic, boolean validateOnly) {
        String name = topic.name();
        CreatableTopicResult result = new CreatableTopicResult().setName(name);
        try {
            TopicOperations.validateName(name);
            checkNoCollision(name);
            if (topics.get(name) != null) {
                throw new TopicExistsException("Topic '" + name + "' already exists.");
            }
            TopicConfig config = topicConfig(topic.configs());
            int partitionCount = partitionCount(topic);
            Uuid id = Uuid.ZERO_UUID;
            if (!validateOnly) {
                TopicInfo created = topicOperations.createNew(name, partitionCount, config);
                id = created.id();
            }
            return describe(result.setTopicId(id), partitionCount, config);
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } catch (IOException e) {
            LOG.warn("Could not create topic {}", name, e);
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setErrorMessage("Could not create topic " + name
                    + ": " + e.getMessage());
        }
    }

    /** Kafka refuses names that differ only by '.' versus '_', since they collide in metric names. */
    private void checkNoCollision(String name) {
        if (!Topic.hasCollisionChars(name)) {
            return;
        }
        for (TopicInfo existing : topics.all()) {
            if (!existing.name().equals(name) && Topic.hasCollision(name, existing.name())) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + existing.name());
            }
        }
    }

    private TopicConfig topicConfig(Collection<CreateTopicsRequestData.CreatableTopicConfig> configs) {
        Map<String, String> overrides = new LinkedHashMap<>();
        List<String> nullValued = new ArrayList<>();
        for (CreateTopicsRequestData.CreatableTopicConfig config : configs) {
            if (config.value() == null) {
                nullValued.add(config.name());
            } else {
                overrides.put(config.name(), config.value());
            }
        }
        if (!nullValued.isEmpty()) {
            throw new InvalidConfigurationException("Null value not supported for topic configs: " + String.join(",", nullValued));
        }
        try {
            return TopicConfig.of(brokerConfig, overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** The partition count the request asks for, checked in Kafka's order; throws an ApiException if it cannot be met. */
    private int partitionCount(CreatableTopic topic) {
        int count;
        if (!topic.assignments().isEmpty()) {
            count = assignedPartitionCount(topic);
        } else if (topic.replicationFactor() < -1 || topic.replicationFactor() == 0) {
            throw new InvalidReplicationFactorException("Replication factor must be larger than 0, or -1 to use the default value.");
        } else if (topic.numPartitions() < -1 || topic.numPartitions() == 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        } else {
            short replicationFactor = topic.replicationFactor() == -1 ? SINGLE_REPLICA : topic.replicationFactor();
            if (replicationFactor > SINGLE_REPLICA) {
                throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                        + " time(s): The target replication factor of " + replicationFactor
                        + " cannot be reached because only 1 broker(s) are registered.");
            }
            count = topic.numPartitions() == -1 ? brokerConfig.topics().numPartitions() : topic.numPartitions();
        }
        TopicOperations.checkOperationSize(count);
        return count;
    }

    private int assignedPartitionCount(CreatableTopic topic) {
        if (topic.replicationFactor() != -1) {
            throw new InvalidRequestException("A manual partition assignment was specified, but replication factor was not set to -1.");
        }
        if (topic.numPartitions() != -1) {
            throw new InvalidRequestException("A manual partition assignment was specified, but numPartitions was not set to -1.");
        }
        Set<Integer> indexes = new HashSet<>();
        for (CreatableReplicaAssignment assignment : topic.assignments()) {
            if (!indexes.add(assignment.partitionIndex())) {
                throw new InvalidReplicaAssignmentException("Found multiple manual partition assignments for partition "
                        + assignment.partitionIndex());
            }
            localNode.checkAssignment(assignment.brokerIds());
        }
        for (int p = 0; p < indexes.size(); p++) {
            if (!indexes.contains(p)) {
                throw new InvalidReplicaAssignmentException("partitions should be a consecutive 0-based integer sequence");
            }
        }
        return indexes.size();
    }

    /**
     * The controller's answer as this broker gives it: each created (or, under validateOnly,
     * accepted) topic with every config and its source, as a single node gives them from v5; no id
     * for a topic that validateOnly did not create.
     */
    private CreateTopicsResponseData withConfigs(CreateTopicsRequestData request, CreateTopicsResponseData answer) {
        for (CreatableTopicResult result : answer.topics()) {
            CreatableTopic asked = request.topics().find(result.name());
            if (result.errorCode() != Errors.NONE.code() || asked == null) {
                continue;
            }
            if (request.validateOnly()) {
                result.setTopicId(Uuid.ZERO_UUID);
            }
            Map<String, String> overrides = new LinkedHashMap<>();
            asked.configs().forEach(c -> overrides.put(c.name(), c.value()));
            try {
                addConfigs(result.setTopicConfigErrorCode(Errors.NONE.code()), TopicConfig.of(brokerConfig, overrides));
            } catch (ConfigException e) {
                result.setTopicConfigErrorCode(Errors.INVALID_CONFIG.code());
            }
        }
        return answer;
    }

    private CreatableTopicResult describe(CreatableTopicResult result, int partitionCount, TopicConfig config) {
        result.setErrorCode(Errors.NONE.code()).setErrorMessage(null).setTopicConfigErrorCode(Errors.NONE.code())
                .setNumPartitions(partitionCount).setReplicationFactor(SINGLE_REPLICA);
        return addConfigs(result, config);
    }

    private CreatableTopicResult addConfigs(CreatableTopicResult result, TopicConfig config) {
        for (ConfigEntries.Entry entry : ConfigEntries.ofTopic(brokerConfig, config)) {
            result.configs().add(new CreatableTopicConfigs().setName(entry.name()).setValue(entry.value())
                    .setReadOnly(entry.readOnly()).setConfigSource(entry.source().id()).setIsSensitive(false));
        }
        return result;
    }
}
