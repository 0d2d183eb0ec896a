package io.surety.broker.api;

import io.surety.broker.api.ClusterDescription.LiveBroker;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.config.TopicsConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataRequestData.MetadataRequestTopic;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseBroker;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponsePartition;
import org.apache.kafka.common.message.MetadataResponseData.MetadataResponseTopic;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.MetadataRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Metadata in cluster mode, every version, from the committed image ({@link ClusterView}): the live
 * brokers at their endpoints on the listener the request came in on, the controller id
 * ({@link ClusterDescription#controllerId}), the cluster id, and the requested topics with their ids
 * and, per partition, the leader, leader epoch, replicas, ISR and the replicas the client cannot use
 * (on brokers not live or without its listener). Unknown names get UNKNOWN_TOPIC_OR_PARTITION,
 * unknown ids UNKNOWN_TOPIC_ID.
 *
 * <p>Per listener, as Kafka's metadata cache answers: a broker without the request's listener is left
 * out of the brokers; a partition whose leader has none (or that has no leader) shows leader -1 with
 * the error {@link ClusterDescription#leaderMissingError} gives (LEADER_NOT_AVAILABLE, or
 * LISTENER_NOT_FOUND from v6 on when the leader lacks the listener). Version 0 alone also leaves out
 * of the replicas and ISR the brokers the client cannot use, and says REPLICA_NOT_AVAILABLE when it
 * did.
 *
 * <p>Auto-creation ({@code auto.create.topics.enable}, and the client allows it): the topic is
 * asked of the controller with {@code num.partitions} and {@code default.replication.factor}, and
 * answered LEADER_NOT_AVAILABLE at once, as Kafka does; the client asks again and finds it once it
 * is committed. One creation per name is in flight at a time.
 *
 * <p>Thread-safe: the image is read once per request; the in-flight set is concurrent.
 */
final class ClusterMetadataHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMetadataHandler.class);

    private final TopicsConfig topicsConfig;
    private final ClusterView cluster;
    private final Set<String> creating = ConcurrentHashMap.newKeySet();

    ClusterMetadataHandler(TopicsConfig topicsConfig, ClusterView cluster) {
        this.topicsConfig = topicsConfig;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.METADATA;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        MetadataRequest body = (MetadataRequest) request.body();
        MetadataRequestData data = body.data();
        ClusterImage image = cluster.image();
        MetadataResponseData response = new MetadataResponseData()
                .setClusterId(image.clusterId().orElse(null))
                .setControllerId(ClusterDescription.controllerId(cluster, image, request.listenerName()))
                .setClusterAuthorizedOperations(AuthorizedOperations.OMITTED);
        Listener listener = new Listener(request.listenerName(), request.version());
        for (LiveBroker broker : ClusterDescription.liveBrokers(image, listener.name())) {
            response.brokers().add(new MetadataResponseBroker().setNodeId(broker.brokerId())
                    .setHost(broker.endpoint().host()).setPort(broker.endpoint().port()).setRack(broker.rack().orElse(null)));
        }
        if (body.isAllTopics()) {
            image.topicsByName().values().forEach(topic -> response.topics().add(describe(image, topic, listener)));
        } else {
            boolean mayCreate = topicsConfig.autoCreateTopicsEnable() && (request.version() < 4 || data.allowAutoTopicCreation());
            for (MetadataRequestTopic requested : data.topics()) {
                response.topics().add(lookup(image, requested, mayCreate, listener));
            }
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(AuthorizedOperations.fill(response, data)));
    }

    /** The listener a request came in on, and what its version asks of the answer. */
    private record Listener(String name, short version) {
        /** Version 0 leaves the replicas the client cannot use out of the replica and ISR lists. */
        boolean filtersReplicas() {
            return version == 0;
        }

        /** From version 6 on, a leader without the listener is LISTENER_NOT_FOUND rather than LEADER_NOT_AVAILABLE. */
        boolean saysListenerNotFound() {
            return version >= 6;
        }
    }

    private MetadataResponseTopic lookup(ClusterImage image, MetadataRequestTopic requested, boolean mayCreate,
                                         Listener listener) {
        String name = requested.name();
        if (name == null) {
            TopicImage topic = image.topic(requested.topicId());
            return topic != null ? describe(image, topic, listener) : new MetadataResponseTopic().setTopicId(requested.topicId())
                    .setErrorCode(Errors.UNKNOWN_TOPIC_ID.code());
        }
        TopicImage topic = image.topic(name);
        if (topic != null) {
            return describe(image, topic, listener);
        }
        MetadataResponseTopic missing = new MetadataResponseTopic().setName(name).setTopicId(Uuid.ZERO_UUID)
                .setTopicAuthorizedOperations(AuthorizedOperations.OMITTED);
        try {
            TopicOperations.validateName(name);
        } catch (InvalidTopicException e) {
            return missing.setErrorCode(Errors.INVALID_TOPIC_EXCEPTION.code());
        }
        if (!mayCreate) {
            return missing.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
        }
        create(name);
        return missing.setErrorCode(Errors.LEADER_NOT_AVAILABLE.code());
    }

    /** Asks the controller for {@code name} with the broker's defaults, unless that is already under way. */
    private void create(String name) {
        if (!creating.add(name)) {
            return;
        }
        CreateTopicsRequestData create = new CreateTopicsRequestData().setTimeoutMs(0).setValidateOnly(false);
        create.topics().add(new CreatableTopic().setName(name).setNumPartitions(topicsConfig.numPartitions())
                .setReplicationFactor(topicsConfig.defaultReplicationFactor()));
        cluster.sendToController(ApiKeys.CREATE_TOPICS, create).whenComplete((answer, failure) -> {
            creating.remove(name);
            if (failure != null) {
                LOG.debug("Could not auto-create topic {}: {}", name, failure.toString());
                return;
            }
            CreatableTopicResult result = ((CreateTopicsResponseData) answer).topics().find(name);
            Errors error = result == null ? Errors.UNKNOWN_SERVER_ERROR : Errors.forCode(result.errorCode());
            if (error != Errors.NONE && error != Errors.TOPIC_ALREADY_EXISTS) {
                LOG.warn("Could not auto-create topic {}: {} {}", name, error, result == null ? "" : result.errorMessage());
            }
        });
    }

    private static MetadataResponseTopic describe(ClusterImage image, TopicImage topic, Listener listener) {
        MetadataResponseTopic out = new MetadataResponseTopic().setName(topic.name()).setTopicId(topic.id())
                .setIsInternal(false).setErrorCode(Errors.NONE.code())
                .setTopicAuthorizedOperations(AuthorizedOperations.OMITTED);
        for (Map.Entry<Integer, PartitionState> entry : topic.partitions().entrySet()) {
            out.partitions().add(describe(image, entry.getKey(), entry.getValue(), listener));
        }
        return out;
    }

    private static MetadataResponsePartition describe(ClusterImage image, int index, PartitionState state,
                                                      Listener listener) {
        List<Integer> replicas = usable(image, state.replicas(), listener);
        List<Integer> isr = usable(image, state.isr(), listener);
        MetadataResponsePartition out = new MetadataResponsePartition()
                .setPartitionIndex(index)
                .setLeaderEpoch(state.leaderEpoch())
                .setReplicaNodes(replicas)
                .setIsrNodes(isr)
                .setOfflineReplicas(ClusterDescription.offlineReplicas(image, state, listener.name()));
        if (ClusterDescription.leaderEndpoint(image, state, listener.name()).isEmpty()) {
            return out.setLeaderId(ClusterDescription.NO_NODE).setErrorCode(ClusterDescription.leaderMissingError(
                    image, state, listener.saysListenerNotFound()).code());
        }
        boolean filtered = replicas.size() < state.replicas().size() || isr.size() < state.isr().size();
        return out.setLeaderId(state.leader())
                .setErrorCode((filtered ? Errors.REPLICA_NOT_AVAILABLE : Errors.NONE).code());
    }

    /** {@code brokers}, less those the client cannot use when the version asks for that. */
    private static List<Integer> usable(ClusterImage image, List<Integer> brokers, Listener listener) {
        if (!listener.filtersReplicas()) {
            return new ArrayList<>(brokers);
        }
        return new ArrayList<>(brokers.stream()
                .filter(id -> ClusterDescription.reachable(image, id, listener.name())).toList());
    }
}
