package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.Partition;
import io.surety.broker.cluster.ClusterRecord.RemoveTopic;
import io.surety.broker.cluster.ClusterRecord.Topic;
import io.surety.broker.cluster.ClusterRecord.TopicConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableReplicaAssignment;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;

/**
 * Topic creation, growth, deletion and config changes (Kafka's {@code ReplicationControlManager}
 * topic rules). New replicas go only to {@linkplain BrokerRegistration#eligible() eligible}
 * brokers, every one of which starts in the ISR; the first replica leads. Each topic of a request
 * is answered on its own; {@code validateOnly} answers without records. Request-level checks the
 * API layer already makes (deletion disabled, authorisation) are not repeated here.
 *
 * <p>Threading: the controller's decision thread; the random source is not thread-safe.
 */
final class TopicRules {

    private final ControllerConfig config;
    private final TopicConfigCheck configCheck;
    private final Supplier<Uuid> topicIds;
    private final Random random;

    TopicRules(ControllerConfig config, TopicConfigCheck configCheck, Supplier<Uuid> topicIds, Random random) {
        this.config = config;
        this.configCheck = configCheck;
        this.topicIds = topicIds;
        this.random = random;
    }

    /**
     * CreateTopics: with a partition count and replication factor (-1 for the broker defaults),
     * placed round-robin from a random start over the eligible brokers, INVALID_REPLICATION_FACTOR
     * when there are fewer of them than the factor; or with an explicit assignment, whose brokers
     * must be registered and at least one per partition eligible.
     */
    Decision<CreateTopicsResponseData> createTopics(ClusterImage image, CreateTopicsRequestData request) {
        CreateTopicsResponseData response = new CreateTopicsResponseData();
        List<ClusterRecord> records = new ArrayList<>();
        Map<String, Integer> counts = new HashMap<>();
        request.topics().forEach(t -> counts.merge(t.name(), 1, Integer::sum));
        for (CreatableTopic topic : request.topics()) {
            CreatableTopicResult result = new CreatableTopicResult().setName(topic.name());
            if (counts.get(topic.name()) > 1) {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic name.");
            } else {
                try {
                    createTopic(image, topic, result, records);
                } catch (ApiException e) {
                    result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
                }
            }
            if (response.topics().find(topic.name()) == null) {
                response.topics().add(result);
            }
        }
        return new Decision<>(request.validateOnly() ? List.of() : records, response);
    }

    private void createTopic(ClusterImage image, CreatableTopic request, CreatableTopicResult result,
            List<ClusterRecord> records) {
        String name = request.name();
        org.apache.kafka.common.internals.Topic.validate(name);
        if (org.apache.kafka.common.internals.Topic.isInternal(name)) {
            throw new InvalidTopicException("Topic " + name + " is internal to the broker");
        }
        if (image.topic(name) != null) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        for (String existing : image.topicsByName().keySet()) {
            if (org.apache.kafka.common.internals.Topic.hasCollision(name, existing)) {
                throw new InvalidTopicException("Topic '" + name + "' collides with existing topic: " + existing);
            }
        }
        Map<String, String> configs = new HashMap<>();
        for (CreatableTopicConfig c : request.configs()) {
            if (c.value() == null) {
                throw new InvalidConfigurationException("Null value not supported for topic config " + c.name());
            }
            configs.put(c.name(), c.value());
        }
        checkConfigs(configs);
        List<List<Integer>> assignment = request.assignments().isEmpty() ? placeNew(image, request)
                : manualAssignment(image, request);
        Uuid id = topicIds.get();
        List<ClusterRecord> topicRecords = new ArrayList<>();
        topicRecords.add(new Topic(name, id));
        configs.forEach((key, value) -> topicRecords.add(new TopicConfig(id, key, Optional.of(value))));
        for (int p = 0; p < assignment.size(); p++) {
            topicRecords.add(newPartition(image, id, p, assignment.get(p)));
        }
        records.addAll(topicRecords);
        result.setTopicId(id).setNumPartitions(assignment.size()).setReplicationFactor((short) assignment.get(0).size());
    }

    private List<List<Integer>> placeNew(ClusterImage image, CreatableTopic request) {
        int partitions = request.numPartitions() == -1 ? config.defaultNumPartitions() : request.numPartitions();
        int replicationFactor = request.replicationFactor() == -1 ? config.defaultReplicationFactor()
                : request.replicationFactor();
        if (partitions <= 0) {
            throw new InvalidPartitionsException("Number of partitions was set to an invalid non-positive value.");
        }
        if (replicationFactor <= 0) {
            throw new InvalidReplicationFactorException(
                    "Replication factor must be larger than 0, or -1 to use the default value.");
        }
        List<Integer> brokers = eligibleBrokers(image, replicationFactor);
        int start = random.nextInt(brokers.size());
        return ReplicaPlacer.place(brokers, 0, partitions, replicationFactor, start, random.nextInt(brokers.size()));
    }

    private List<List<Integer>> manualAssignment(ClusterImage image, CreatableTopic request) {
        if (request.numPartitions() != -1 || request.replicationFactor() != -1) {
            throw new InvalidRequestException("Both numPartitions or replicationFactor and replicasAssignments were "
                    + "set. Both cannot be used at the same time.");
        }
        List<List<Integer>> out = new ArrayList<>();
        int expected = 0;
        for (CreatableReplicaAssignment a : request.assignments().stream()
                .sorted((x, y) -> Integer.compare(x.partitionIndex(), y.partitionIndex())).toList()) {
            if (a.partitionIndex() != expected++) {
                throw new InvalidReplicaAssignmentException("Partitions should be a consecutive 0-based integer sequence.");
            }
            checkManual(image, a.brokerIds(), out.isEmpty() ? a.brokerIds().size() : out.get(0).size(), a.partitionIndex());
            out.add(a.brokerIds());
        }
        return out;
    }

    /** Kafka's {@code validateManualPartitionAssignment}, plus: at least one replica must be eligible to start the ISR. */
    private static void checkManual(ClusterImage image, List<Integer> replicas, int replicationFactor, int partitionId) {
        if (replicas.isEmpty()) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes an empty replica list.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int brokerId : replicas) {
            if (image.broker(brokerId) == null) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes broker " + brokerId
                        + ", but no such broker is registered.");
            }
            if (!seen.add(brokerId)) {
                throw new InvalidReplicaAssignmentException("The manual partition assignment includes the broker "
                        + brokerId + " more than once.");
            }
        }
        if (replicas.size() != replicationFactor) {
            throw new InvalidReplicaAssignmentException("The manual partition assignment includes a partition with "
                    + replicas.size() + " replica(s), but this is not consistent with previous partitions, which have "
                    + replicationFactor + " replica(s).");
        }
        if (replicas.stream().noneMatch(image::eligible)) {
            throw new InvalidReplicaAssignmentException("All brokers specified in the manual partition assignment for "
                    + "partition " + partitionId + " are fenced or in controlled shutdown.");
        }
    }

    private static List<Integer> eligibleBrokers(ClusterImage image, int replicationFactor) {
        List<Integer> brokers = image.brokers().values().stream().filter(BrokerRegistration::eligible)
                .map(BrokerRegistration::brokerId).toList();
        if (replicationFactor > brokers.size()) {
            throw new InvalidReplicationFactorException("Unable to replicate the partition " + replicationFactor
                    + " time(s): The target replication factor of " + replicationFactor + " cannot be reached because only "
                    + brokers.size() + " broker(s) are registered and unfenced.");
        }
        return brokers;
    }

    /** A new partition: the eligible replicas form the ISR, and the first of them in assignment order leads. */
    private static Partition newPartition(ClusterImage image, Uuid topicId, int partitionId, List<Integer> replicas) {
        List<Integer> isr = replicas.stream().filter(image::eligible).toList();
        return new Partition(topicId, partitionId, replicas, isr, isr.get(0), LeaderRecoveryState.RECOVERED, 0, 0);
    }

    /**
     * CreatePartitions: grows a topic to {@code count} partitions with its replication factor,
     * continuing the round-robin from where partition 0's preferred leader sits, or with the
     * given assignments.
     */
    Decision<CreatePartitionsResponseData> createPartitions(ClusterImage image, CreatePartitionsRequestData request) {
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        List<ClusterRecord> records = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (CreatePartitionsTopic topic : request.topics()) {
            CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
            response.results().add(result);
            try {
                if (!seen.add(topic.name())) {
                    throw new InvalidRequestException("Duplicate topic name.");
                }
                records.addAll(addPartitions(image, topic));
                result.setErrorCode(Errors.NONE.code());
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            }
        }
        return new Decision<>(request.validateOnly() ? List.of() : records, response);
    }

    private List<ClusterRecord> addPartitions(ClusterImage image, CreatePartitionsTopic request) {
        TopicImage topic = image.topic(request.name());
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("This server does not host this topic-partition.");
        }
        int current = topic.partitions().size();
        if (request.count() == current) {
            throw new InvalidPartitionsException("Topic already has " + current + " partition(s).");
        }
        if (request.count() < current) {
            throw new InvalidPartitionsException("The topic " + topic.name() + " currently has " + current
                    + " partition(s); " + request.count() + " would not be an increase.");
        }
        int additional = request.count() - current;
        PartitionState first = topic.partition(0);
        int replicationFactor = first.replicas().size();
        List<List<Integer>> assignment;
        if (request.assignments() != null) {
            if (request.assignments().size() != additional) {
                throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                        + " additional partition(s), but only " + request.assignments().size()
                        + " assignment(s) were specified.");
            }
            assignment = new ArrayList<>();
            for (CreatePartitionsAssignment a : request.assignments()) {
                checkManual(image, a.brokerIds(), replicationFactor, current + assignment.size());
                assignment.add(a.brokerIds());
            }
        } else {
            List<Integer> brokers = eligibleBrokers(image, replicationFactor);
            int start = brokers.indexOf(first.preferredLeader());
            start = start >= 0 ? start : random.nextInt(brokers.size());
            assignment = ReplicaPlacer.place(brokers, current, additional, replicationFactor, start, start);
        }
        List<ClusterRecord> out = new ArrayList<>();
        for (int i = 0; i < assignment.size(); i++) {
            out.add(newPartition(image, topic.id(), current + i, assignment.get(i)));
        }
        return out;
    }

    /**
     * DeleteTopics, by name (every version) or by id (v6+): UNKNOWN_TOPIC_OR_PARTITION or
     * UNKNOWN_TOPIC_ID when there is no such topic.
     */
    Decision<DeleteTopicsResponseData> deleteTopics(ClusterImage image, DeleteTopicsRequestData request) {
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        List<ClusterRecord> records = new ArrayList<>();
        Set<Uuid> removed = new HashSet<>();
        List<DeleteTopicState> wanted = new ArrayList<>(request.topics());
        request.topicNames().forEach(name -> wanted.add(new DeleteTopicState().setName(name)));
        for (DeleteTopicState state : wanted) {
            boolean byName = state.name() != null;
            TopicImage topic = byName ? image.topic(state.name()) : image.topic(state.topicId());
            DeletableTopicResult result = new DeletableTopicResult().setName(state.name()).setTopicId(state.topicId());
            if (topic == null) {
                result.setErrorCode((byName ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.UNKNOWN_TOPIC_ID).code());
            } else {
                result.setName(topic.name()).setTopicId(topic.id()).setErrorCode(Errors.NONE.code());
                if (removed.add(topic.id())) {
                    records.add(new RemoveTopic(topic.id()));
                }
            }
            response.responses().add(result);
        }
        return new Decision<>(records, response);
    }

    /**
     * Replaces {@code topicName}'s config overrides with {@code overrides} (the API layer applies
     * IncrementalAlterConfigs' SET/DELETE/APPEND/SUBTRACT to the overrides the image shows), one
     * record per key that changes. UNKNOWN_TOPIC_OR_PARTITION or INVALID_CONFIG.
     */
    Decision<ApiError> alterTopicConfigs(ClusterImage image, String topicName, Map<String, String> overrides,
            boolean validateOnly) {
        TopicImage topic = image.topic(topicName);
        if (topic == null) {
            return Decision.answer(new ApiError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "Topic " + topicName + " does not exist."));
        }
        try {
            checkConfigs(overrides);
        } catch (ApiException e) {
            return Decision.answer(ApiError.fromThrowable(e));
        }
        List<ClusterRecord> records = new ArrayList<>();
        topic.configs().keySet().stream().filter(key -> !overrides.containsKey(key))
                .forEach(key -> records.add(new TopicConfig(topic.id(), key, Optional.empty())));
        overrides.entrySet().stream().filter(e -> !e.getValue().equals(topic.configs().get(e.getKey())))
                .sorted(Map.Entry.comparingByKey())
                .forEach(e -> records.add(new TopicConfig(topic.id(), e.getKey(), Optional.of(e.getValue()))));
        return new Decision<>(validateOnly ? List.of() : records, ApiError.NONE);
    }

    /**
     * The request form of {@link #alterTopicConfigs} as a broker forwards it: Kafka's
     * IncrementalAlterConfigs with TOPIC resources only, each operation SET or DELETE (the broker
     * has already turned APPEND and SUBTRACT into the SET of the resulting list). The operations
     * apply to the overrides this image holds, so changes to other keys made meanwhile are kept.
     * Every resource is answered on its own; the records of all of them form one decision.
     * INVALID_REQUEST for another resource type or operation.
     */
    Decision<IncrementalAlterConfigsResponseData> alterTopicConfigs(ClusterImage image,
            IncrementalAlterConfigsRequestData request) {
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        List<ClusterRecord> records = new ArrayList<>();
        for (AlterConfigsResource resource : request.resources()) {
            ApiError error = alterOne(image, resource, request.validateOnly(), records);
            response.responses().add(new AlterConfigsResourceResponse().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName()).setErrorCode(error.error().code())
                    .setErrorMessage(error.message()));
        }
        return new Decision<>(records, response);
    }

    private ApiError alterOne(ClusterImage image, AlterConfigsResource resource, boolean validateOnly,
            List<ClusterRecord> records) {
        if (resource.resourceType() != ConfigResource.Type.TOPIC.id()) {
            return new ApiError(Errors.INVALID_REQUEST, "The controller changes topic configs only");
        }
        TopicImage topic = image.topic(resource.resourceName());
        Map<String, String> overrides = new HashMap<>(topic == null ? Map.of() : topic.configs());
        for (AlterableConfig config : resource.configs()) {
            if (config.configOperation() == AlterConfigOp.OpType.SET.id() && config.value() != null) {
                overrides.put(config.name(), config.value());
            } else if (config.configOperation() == AlterConfigOp.OpType.DELETE.id()) {
                overrides.remove(config.name());
            } else {
                return new ApiError(Errors.INVALID_REQUEST, "The controller takes SET with a value or DELETE, not "
                        + "operation " + config.configOperation() + " on " + config.name());
            }
        }
        Decision<ApiError> decision = alterTopicConfigs(image, resource.resourceName(), overrides, validateOnly);
        records.addAll(decision.records());
        return decision.answer();
    }

    private void checkConfigs(Map<String, String> overrides) {
        try {
            configCheck.check(overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }
}
