package io.surety.broker.api;

import io.surety.broker.config.TopicsConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.io.IOException;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState;
import org.apache.kafka.common.message.DeleteTopicsResponseData;
import org.apache.kafka.common.message.DeleteTopicsResponseData.DeletableTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteTopicsRequest;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DeleteTopics by name, and from v6 by id. Unknown names get UNKNOWN_TOPIC_OR_PARTITION, unknown
 * ids UNKNOWN_TOPIC_ID; a name or id given twice, both or neither in one entry, INVALID_REQUEST.
 * With {@code delete.topic.enable=false} every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST
 * before v3, which has no such code). Deletion is durable before the response.
 *
 * <p>In cluster mode the well-formed entries go to the controller in one request and are answered
 * with its answer, once the deletion is committed; the checks above stay on this broker.
 */
final class DeleteTopicsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(DeleteTopicsHandler.class);
    private static final short FIRST_VERSION_WITH_DELETION_DISABLED = 3;

    private final TopicsConfig topicsConfig;
    private final TopicRegistry topics;
    private final TopicOperations topicOperations;
    private final Optional<ClusterView> cluster;

    DeleteTopicsHandler(TopicsConfig topicsConfig, TopicRegistry topics, TopicOperations topicOperations,
            Optional<ClusterView> cluster) {
        this.topicsConfig = topicsConfig;
        this.topics = topics;
        this.topicOperations = topicOperations;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_TOPICS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        List<DeleteTopicState> requested = ((DeleteTopicsRequest) request.body()).topics();
        DeleteTopicsResponseData response = new DeleteTopicsResponseData();
        if (!topicsConfig.deleteTopicEnable()) {
            boolean hasCode = request.version() >= FIRST_VERSION_WITH_DELETION_DISABLED;
            for (DeleteTopicState topic : requested) {
                response.responses().add(result(topic.name(), topic.topicId(),
                        hasCode ? Errors.TOPIC_DELETION_DISABLED : Errors.INVALID_REQUEST, "Topic deletion is disabled."));
            }
            return CompletableFuture.completedFuture(new ApiResponse.Send(response));
        }
        Set<String> duplicateNames = duplicates(requested.stream().map(DeleteTopicState::name).filter(Objects::nonNull).toList());
        Set<Uuid> duplicateIds = duplicates(requested.stream().filter(t -> t.name() == null)
                .map(DeleteTopicState::topicId).filter(id -> !Uuid.ZERO_UUID.equals(id)).toList());
        DeleteTopicsRequestData forwarded = new DeleteTopicsRequestData().setTimeoutMs(0);
        for (DeleteTopicState topic : requested) {
            String name = topic.name();
            Uuid id = topic.topicId();
            boolean hasId = !Uuid.ZERO_UUID.equals(id);
            if (name == null && !hasId) {
                response.responses().add(result(null, id, Errors.INVALID_REQUEST, "Neither topic name nor id were specified."));
            } else if (name != null && hasId) {
                response.responses().add(result(name, id, Errors.INVALID_REQUEST, "You may not specify both topic name and topic id."));
            } else if (name != null && !duplicateNames.contains(name)) {
                if (cluster.isPresent()) {
                    forwarded.topics().add(new DeleteTopicState().setName(name).setTopicId(Uuid.ZERO_UUID));
                } else if (request.access().deniedTopic(name)) {
                    response.responses().add(result(name, Uuid.ZERO_UUID, Errors.TOPIC_AUTHORIZATION_FAILED, null));
                } else {
                    response.responses().add(delete(topics.get(name), name, Uuid.ZERO_UUID));
                }
            } else if (name == null && !duplicateIds.contains(id)) {
                if (cluster.isPresent()) {
                    forwarded.topics().add(new DeleteTopicState().setName(null).setTopicId(id));
                } else {
                    response.responses().add(deleteById(topics.get(id), id, request.access()));
                }
            }
        }
        duplicateNames.forEach(name -> response.responses().add(
                result(name, Uuid.ZERO_UUID, Errors.INVALID_REQUEST, "Duplicate topic name.")));
        duplicateIds.forEach(id -> response.responses().add(result(null, id, Errors.INVALID_REQUEST, "Duplicate topic id.")));
        if (cluster.isEmpty() || forwarded.topics().isEmpty()) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(response));
        }
        return cluster.get().sendToController(ApiKeys.DELETE_TOPICS, forwarded).thenApply(answer -> {
            for (DeletableTopicResult result : ((DeleteTopicsResponseData) answer).responses()) {
                response.responses().add(result.duplicate());
            }
            return new ApiResponse.Send(response);
        });
    }

    /**
     * Deletes a topic named by id, as Kafka answers it: DELETE is asked once the name is known; a
     * requester who may not even DESCRIBE the topic is not told its name.
     */
    private DeletableTopicResult deleteById(TopicInfo topic, Uuid id, Access access) {
        if (topic != null && !access.allows(AclOperation.DELETE, ResourceType.TOPIC, topic.name())) {
            String name = access.allowsQuietly(AclOperation.DESCRIBE, ResourceType.TOPIC, topic.name()) ? topic.name() : null;
            return result(name, id, Errors.TOPIC_AUTHORIZATION_FAILED, null);
        }
        return delete(topic, null, id);
    }

    /** Deletes {@code topic}, looked up by {@code requestedName} or else {@code requestedId}. */
    private DeletableTopicResult delete(TopicInfo topic, String requestedName, Uuid requestedId) {
        Errors unknown = requestedName != null ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.UNKNOWN_TOPIC_ID;
        if (topic == null) {
            return result(requestedName, requestedId, unknown, unknown.message());
        }
        try {
            topicOperations.delete(topic);
            return result(topic.name(), topic.id(), Errors.NONE, null);
        } catch (UnknownTopicOrPartitionException e) {
            return result(requestedName, requestedId, unknown, unknown.message());
        } catch (IOException e) {
            LOG.warn("Could not delete topic {}", topic.name(), e);
            return result(topic.name(), topic.id(), Errors.KAFKA_STORAGE_ERROR, "Could not delete topic " + topic.name()
                    + ": " + e.getMessage());
        }
    }

    private static DeletableTopicResult result(String name, Uuid id, Errors error, String message) {
        return new DeletableTopicResult().setName(name).setTopicId(id).setErrorCode(error.code()).setErrorMessage(message);
    }

    private static <T> Set<T> duplicates(List<T> values) {
        Set<T> seen = new HashSet<>();
        Set<T> duplicates = new LinkedHashSet<>();
        for (T value : values) {
            if (!seen.add(value)) {
                duplicates.add(value);
            }
        }
        return duplicates;
    }
}
