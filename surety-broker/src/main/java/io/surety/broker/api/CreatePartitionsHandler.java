package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidReplicaAssignmentException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsAssignment;
import org.apache.kafka.common.message.CreatePartitionsRequestData.CreatePartitionsTopic;
import org.apache.kafka.common.message.CreatePartitionsResponseData;
import org.apache.kafka.common.message.CreatePartitionsResponseData.CreatePartitionsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.CreatePartitionsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CreatePartitions: grows a topic to the requested count, which must exceed the current one
 * (INVALID_PARTITIONS otherwise). Manual assignments, when given, must cover exactly the new
 * partitions and name only this node. Nothing changes under {@code validateOnly}; a topic named
 * twice in one request gets INVALID_REQUEST.
 *
 * <p>In cluster mode the request goes to the controller as it came, which checks it the same way
 * (assignments naming registered brokers, one of them live per partition; new replicas placed
 * round-robin otherwise) and answers once the partitions are committed.
 */
final class CreatePartitionsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(CreatePartitionsHandler.class);

    private final TopicRegistry topics;
    private final TopicOperations topicOperations;
    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    CreatePartitionsHandler(TopicRegistry topics, TopicOperations topicOperations, BrokerNode localNode,
            Optional<ClusterView> cluster) {
        this.topics = topics;
        this.topicOperations = topicOperations;
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CREATE_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        CreatePartitionsRequestData data = ((CreatePartitionsRequest) request.body()).data();
        if (cluster.isPresent()) {
            return cluster.get().sendToController(ApiKeys.CREATE_PARTITIONS, data).thenApply(ApiResponse.Send::new);
        }
        Set<String> seen = new HashSet<>();
        Set<String> duplicates = new LinkedHashSet<>();
        for (CreatePartitionsTopic topic : data.topics()) {
            if (!seen.add(topic.name())) {
                duplicates.add(topic.name());
            }
        }
        CreatePartitionsResponseData response = new CreatePartitionsResponseData();
        for (String name : duplicates) {
            response.results().add(new CreatePartitionsTopicResult().setName(name)
                    .setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage("Duplicate topic name."));
        }
        for (CreatePartitionsTopic topic : data.topics()) {
            if (request.access().deniedTopic(topic.name())) {
                response.results().add(new CreatePartitionsTopicResult().setName(topic.name())
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code())
                        .setErrorMessage(Errors.TOPIC_AUTHORIZATION_FAILED.message()));
            } else if (!duplicates.contains(topic.name())) {
                response.results().add(grow(topic, data.validateOnly()));
            }
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private CreatePartitionsTopicResult grow(CreatePartitionsTopic topic, boolean validateOnly) {
        CreatePartitionsTopicResult result = new CreatePartitionsTopicResult().setName(topic.name());
        try {
            TopicInfo current = topics.get(topic.name());
            if (current == null) {
                throw new UnknownTopicOrPartitionException("The topic '" + topic.name() + "' does not exist.");
            }
            TopicOperations.checkPartitionIncrease(current, topic.count());
            int additional = topic.count() - current.partitionCount();
            if (topic.assignments() != null) {
                if (topic.assignments().size() != additional) {
                    throw new InvalidReplicaAssignmentException("Attempted to add " + additional
                            + " additional partition(s), but only " + topic.assignments().size()
                            + " assignment(s) were specified.");
                }
                for (CreatePartitionsAssignment assignment : topic.assignments()) {
                    localNode.checkAssignment(assignment.brokerIds());
                }
            }
            TopicOperations.checkOperationSize(additional);
            if (!validateOnly) {
                topicOperations.addPartitions(current, topic.count());
            }
            return result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
        } catch (ApiException e) {
            return result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
        } catch (IOException e) {
            LOG.warn("Could not add partitions to topic {}", topic.name(), e);
            return result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                    .setErrorMessage("Could not add partitions to topic " + topic.name() + ": " + e.getMessage());
        }
    }
}
