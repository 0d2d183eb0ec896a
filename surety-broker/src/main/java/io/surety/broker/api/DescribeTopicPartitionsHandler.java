package io.surety.broker.api;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData;
import org.apache.kafka.common.message.DescribeTopicPartitionsRequestData.TopicRequest;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.Cursor;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponsePartition;
import org.apache.kafka.common.message.DescribeTopicPartitionsResponseData.DescribeTopicPartitionsResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeTopicPartitionsRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * DescribeTopicPartitions (what Admin#describeTopics uses): the requested topics, or all of them
 * when none are named, in name order, with their partitions (this node leads and alone replicates
 * each, in epoch 0; in cluster mode, as the committed image describes them: leader, or -1 with
 * LEADER_NOT_AVAILABLE, leader epoch, replicas, ISR, and the replicas on brokers that are not live).
 * Paged as in Kafka: at most {@code responsePartitionLimit} partitions (capped
 * at {@value #MAX_PARTITIONS_PER_RESPONSE}) per response, starting at the request's cursor, with a
 * next cursor where the response stopped. Named topics that do not exist come back with an error.
 */
final class DescribeTopicPartitionsHandler implements ApiHandler {

    /** Kafka's default {@code max.request.partition.size.limit}. */
    static final int MAX_PARTITIONS_PER_RESPONSE = 2000;
    private static final int NO_LEADER = -1;

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    DescribeTopicPartitionsHandler(TopicRegistry topics, PartitionRegistry partitions, BrokerNode localNode,
            Optional<ClusterView> cluster) {
        this.topics = topics;
        this.partitions = partitions;
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_TOPIC_PARTITIONS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeTopicPartitionsRequestData data = ((DescribeTopicPartitionsRequest) request.body()).data();
        DescribeTopicPartitionsRequestData.Cursor cursor = data.cursor();
        String cursorTopic = cursor != null ? cursor.topicName() : "";
        boolean allTopics = data.topics().isEmpty();
        ClusterImage image = cluster.map(ClusterView::image).orElse(null);
        TreeSet<String> names = new TreeSet<>();
        if (allTopics) {
            if (image != null) {
                names.addAll(image.topicsByName().keySet());
            } else {
                topics.all().forEach(topic -> names.add(topic.name()));
            }
            // Topics the requester may not DESCRIBE are left out, as Kafka leaves them out.
            if (request.access().checked()) {
                names.removeIf(name -> !request.access().allowsQuietly(AclOperation.DESCRIBE, ResourceType.TOPIC, name));
            }
        } else {
            for (TopicRequest topic : data.topics()) {
                names.add(topic.name());
            }
            if (cursor != null && !names.contains(cursor.topicName())) {
                throw new InvalidRequestException("DescribeTopicPartitionsRequest topic list should contain the cursor topic: "
                        + cursor.topicName());
            }
        }
        if (cursor != null && cursor.partitionIndex() < 0) {
            throw new InvalidRequestException("DescribeTopicPartitionsRequest cursor partition must be valid: " + cursor);
        }
        int remaining = Math.max(Math.min(MAX_PARTITIONS_PER_RESPONSE, data.responsePartitionLimit()), 1);
        DescribeTopicPartitionsResponseData response = new DescribeTopicPartitionsResponseData();
        for (String name : names.tailSet(cursorTopic, true)) {
            if (remaining == 0) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(0));
                break;
            }
            if (request.access().deniedTopic(name)) {
                response.topics().add(new DescribeTopicPartitionsResponseTopic()
                        .setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()).setName(name).setTopicId(Uuid.ZERO_UUID)
                        .setIsInternal(false).setTopicAuthorizedOperations(AuthorizedOperations.OMITTED));
                continue;
            }
            int partitionCount = partitionCount(image, name);
            if (partitionCount < 0) {
                if (!allTopics) {
                    response.topics().add(missing(name));
                }
                continue;
            }
            int start = name.equals(cursorTopic) ? cursor.partitionIndex() : 0;
            int end = Math.min(partitionCount, start + remaining);
            response.topics().add(image != null ? describe(image, image.topic(name), start, end, request.listenerName())
                    : describe(topics.get(name), start, end));
            if (end < partitionCount) {
                response.setNextCursor(new Cursor().setTopicName(name).setPartitionIndex(end));
                break;
            }
            remaining -= Math.max(0, end - start);
        }
        if (request.access().checked()) {
            response.topics().stream().filter(topic -> topic.errorCode() == Errors.NONE.code())
                    .forEach(topic -> topic.setTopicAuthorizedOperations(
                            AuthorizedOperations.topic(request.access(), topic.name(), true)));
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    /** The partition count of topic {@code name} in the image, or locally on a single node; -1 if it does not exist. */
    private int partitionCount(ClusterImage image, String name) {
        if (image != null) {
            TopicImage topic = image.topic(name);
            return topic == null ? -1 : topic.partitions().size();
        }
        TopicInfo topic = topics.get(name);
        return topic == null ? -1 : topic.partitionCount();
    }

    /**
     * Partitions {@code start} to {@code end} (exclusive) of {@code topic} as the committed image
     * describes them to a client of listener {@code listener}: as Kafka does, a leader without that
     * listener shows as no leader, and replicas without it as offline.
     */
    private static DescribeTopicPartitionsResponseTopic describe(ClusterImage image, TopicImage topic, int start, int end,
                                                                 String listener) {
        DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(Errors.NONE.code()).setName(topic.name()).setTopicId(topic.id()).setIsInternal(false)
                .setTopicAuthorizedOperations(AuthorizedOperations.topic(true));
        for (int p = start; p < end; p++) {
            PartitionState state = topic.partition(p);
            boolean led = ClusterDescription.leaderEndpoint(image, state, listener).isPresent();
            out.partitions().add(new DescribeTopicPartitionsResponsePartition()
                    .setErrorCode((led ? Errors.NONE : Errors.LEADER_NOT_AVAILABLE).code())
                    .setPartitionIndex(p)
                    .setLeaderId(led ? state.leader() : ClusterDescription.NO_NODE)
                    .setLeaderEpoch(state.leaderEpoch())
                    .setReplicaNodes(new ArrayList<>(state.replicas()))
                    .setIsrNodes(new ArrayList<>(state.isr()))
                    .setEligibleLeaderReplicas(new ArrayList<>())
                    .setLastKnownElr(new ArrayList<>())
                    .setOfflineReplicas(ClusterDescription.offlineReplicas(image, state, listener)));
        }
        return out;
    }

    private static DescribeTopicPartitionsResponseTopic missing(String name) {
        Errors error = Topic.isValid(name) ? Errors.UNKNOWN_TOPIC_OR_PARTITION : Errors.INVALID_TOPIC_EXCEPTION;
        return new DescribeTopicPartitionsResponseTopic().setErrorCode(error.code()).setName(name)
                .setTopicId(Uuid.ZERO_UUID).setIsInternal(false).setTopicAuthorizedOperations(AuthorizedOperations.topic(true));
    }

    private DescribeTopicPartitionsResponseTopic describe(TopicInfo topic, int start, int end) {
        DescribeTopicPartitionsResponseTopic out = new DescribeTopicPartitionsResponseTopic()
                .setErrorCode(Errors.NONE.code()).setName(topic.name()).setTopicId(topic.id()).setIsInternal(false)
                .setTopicAuthorizedOperations(AuthorizedOperations.topic(true));
        int node = localNode.nodeId();
        List<Integer> replicas = List.of(node);
        for (int p = start; p < end; p++) {
            Partition partition = partitions.get(new TopicPartition(topic.name(), p));
            boolean offline = partition == null || partition.isOffline();
            out.partitions().add(new DescribeTopicPartitionsResponsePartition()
                    .setErrorCode(offline ? Errors.KAFKA_STORAGE_ERROR.code() : Errors.NONE.code())
                    .setPartitionIndex(p)
                    .setLeaderId(offline ? NO_LEADER : node)
                    .setLeaderEpoch(partition == null ? 0 : partition.leaderEpoch())
                    .setReplicaNodes(replicas)
                    .setIsrNodes(offline ? List.of() : replicas)
                    .setEligibleLeaderReplicas(new ArrayList<>())
                    .setLastKnownElr(new ArrayList<>())
                    .setOfflineReplicas(offline ? replicas : new ArrayList<>()));
        }
        return out;
    }
}
