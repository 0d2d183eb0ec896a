package io.surety.broker.api;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.IncrementalAlterConfigsRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * IncrementalAlterConfigs for topics: SET, DELETE, and APPEND/SUBTRACT on list configs, applied
 * together to the topic's overrides, validated against the broker's defaults and made durable
 * (unless {@code validateOnly}) before the response. Broker configs are static: changing them is
 * refused with INVALID_CONFIG. Malformed resources (named twice, a key twice, a null value to set,
 * an unknown operation) get INVALID_REQUEST, as in Kafka.
 *
 * <p>In cluster mode a topic's change is checked here against the committed image, then sent to
 * the controller as SET and DELETE operations ({@link #asControllerChange}), all the request's
 * topics in one request, and each is answered with the controller's answer once committed, so
 * every node shows the new configs. Broker resources are answered here as on a single node.
 */
final class IncrementalAlterConfigsHandler implements ApiHandler {

    private static final Logger LOG = LoggerFactory.getLogger(IncrementalAlterConfigsHandler.class);

    private final BrokerConfig brokerConfig;
    private final TopicRegistry topics;
    private final TopicOperations topicOperations;
    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    IncrementalAlterConfigsHandler(BrokerConfig brokerConfig, TopicRegistry topics, TopicOperations topicOperations,
            BrokerNode localNode, Optional<ClusterView> cluster) {
        this.brokerConfig = brokerConfig;
        this.topics = topics;
        this.topicOperations = topicOperations;
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.INCREMENTAL_ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        return alter(((IncrementalAlterConfigsRequest) request.body()).data(), request.access())
                .thenApply(ApiResponse.Send::new);
    }

    /**
     * Applies {@code data} and completes with the answer for each of its resources, each resource
     * {@code access} denied answered with its authorization error first; also how
     * {@link AlterConfigsHandler} applies the original AlterConfigs, translated.
     */
    CompletableFuture<IncrementalAlterConfigsResponseData> alter(IncrementalAlterConfigsRequestData data, Access access) {
        Map<ConfigResource, Integer> occurrences = new HashMap<>();
        for (AlterConfigsResource resource : data.resources()) {
            occurrences.merge(resourceOf(resource), 1, Integer::sum);
        }
        IncrementalAlterConfigsResponseData response = new IncrementalAlterConfigsResponseData();
        IncrementalAlterConfigsRequestData forwarded = new IncrementalAlterConfigsRequestData()
                .setValidateOnly(data.validateOnly());
        Map<String, AlterConfigsResourceResponse> awaiting = new HashMap<>();
        for (AlterConfigsResource resource : data.resources()) {
            AlterConfigsResourceResponse result = new AlterConfigsResourceResponse()
                    .setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
            try {
                if (occurrences.get(resourceOf(resource)) > 1) {
                    throw new InvalidRequestException("Each resource must appear at most once.");
                }
                // Before the resource is looked up, so that existence never leaks.
                Errors denied = AccessRules.ConfigResourceName.denial(access, resource.resourceType(),
                        resource.resourceName());
                if (denied != Errors.NONE) {
                    throw denied.exception();
                }
                if (cluster.isPresent() && resource.resourceType() == ConfigResource.Type.TOPIC.id()) {
                    checkOperations(resource.configs());
                    forwarded.resources().add(asControllerChange(cluster.get().image(), resource));
                    awaiting.put(resource.resourceName(), result);
                    response.responses().add(result);
                    continue;
                }
                alter(resource, data.validateOnly());
                result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage());
            } catch (IOException e) {
                LOG.warn("Could not change the configs of {}", resourceOf(resource), e);
                result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code())
                        .setErrorMessage("Could not change the configs: " + e.getMessage());
            }
            response.responses().add(result);
        }
        if (awaiting.isEmpty()) {
            return CompletableFuture.completedFuture(response);
        }
        return cluster.get().sendToController(ApiKeys.INCREMENTAL_ALTER_CONFIGS, forwarded).handle((answer, failure) -> {
            if (failure != null) {
                ApiError error = ApiError.fromThrowable(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                awaiting.values().forEach(r -> r.setErrorCode(error.error().code()).setErrorMessage(error.message()));
            } else {
                for (AlterConfigsResourceResponse decided : ((IncrementalAlterConfigsResponseData) answer).responses()) {
                    AlterConfigsResourceResponse result = awaiting.get(decided.resourceName());
                    if (result != null) {
                        result.setErrorCode(decided.errorCode()).setErrorMessage(decided.errorMessage());
                    }
                }
            }
            return response;
        });
    }

    /**
     * A topic's change as the controller takes it: SET and DELETE as asked, APPEND and SUBTRACT
     * turned into the SET of the list they make from the override the image shows (or the
     * broker's default). Checked here against the image first: the topic must exist, and the
     * resulting overrides must be valid.
     */
    private AlterConfigsResource asControllerChange(ClusterImage image, AlterConfigsResource resource) {
        String name = resource.resourceName();
        TopicOperations.validateName(name);
        TopicImage topic = image.topic(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
        }
        Map<String, String> overrides = new LinkedHashMap<>(topic.configs());
        AlterConfigsResource change = new AlterConfigsResource().setResourceType(resource.resourceType())
                .setResourceName(name);
        for (AlterableConfig config : resource.configs()) {
            OpType op = OpType.forId(config.configOperation());
            apply(overrides, List.of(config));
            boolean deleted = op == OpType.DELETE;
            change.configs().add(new AlterableConfig().setName(config.name())
                    .setConfigOperation((deleted ? OpType.DELETE : OpType.SET).id())
                    .setValue(deleted ? null : overrides.get(config.name())));
        }
        try {
            TopicConfig.of(brokerConfig, overrides);
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
        return change;
    }

    private static ConfigResource resourceOf(AlterConfigsResource resource) {
        return new ConfigResource(ConfigResource.Type.forId(resource.resourceType()), resource.resourceName());
    }

    private void alter(AlterConfigsResource resource, boolean validateOnly) throws IOException {
        checkOperations(resource.configs());
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        if (type == ConfigResource.Type.TOPIC) {
            alterTopic(resource.resourceName(), resource.configs(), validateOnly);
        } else if (type == ConfigResource.Type.BROKER) {
            checkThisNode(resource.resourceName());
            if (resource.configs().stream().allMatch(c -> OpType.forId(c.configOperation()) == OpType.DELETE)) {
                // No broker config is ever set while running, so there is nothing to delete: what
                // kafka-reassign-partitions --verify sends to clear replication throttles.
                return;
            }
            throw new InvalidConfigurationException(
                    "Broker configs cannot be changed while the broker runs; set them in server.properties");
        } else if (type == ConfigResource.Type.BROKER_LOGGER) {
            throw new InvalidRequestException("Broker log levels cannot be changed through the Admin API");
        } else {
            throw new InvalidRequestException("Unknown resource type " + resource.resourceType());
        }
    }

    private static void checkOperations(Collection<AlterableConfig> configs) {
        Set<String> keys = new HashSet<>();
        List<String> nullValued = new ArrayList<>();
        for (AlterableConfig config : configs) {
            if (!keys.add(config.name())) {
                throw new InvalidRequestException("Error due to duplicate config keys");
            }
            OpType op = OpType.forId(config.configOperation());
            if (op == null) {
                throw new InvalidRequestException("Unknown operations type " + config.configOperation());
            }
            if (op != OpType.DELETE && config.value() == null) {
                nullValued.add(config.name());
            }
        }
        if (!nullValued.isEmpty()) {
            throw new InvalidRequestException("Null value not supported for : " + String.join(", ", nullValued));
        }
    }

    private void checkThisNode(String name) {
        if (name == null || name.isEmpty()) {
            return;
        }
        int node = localNode.nodeId();
        try {
            if (Integer.parseInt(name) == node) {
                return;
            }
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Node id must be an integer, but it is: " + name);
        }
        throw new InvalidRequestException("Unexpected broker id, expected " + node + ", but received " + name);
    }

    private void alterTopic(String name, Collection<AlterableConfig> configs, boolean validateOnly) throws IOException {
        TopicOperations.validateName(name);
        TopicInfo topic = topics.get(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
        }
        try {
            if (validateOnly) {
                TopicConfig.of(brokerConfig, apply(new LinkedHashMap<>(topic.config().overrides()), configs));
            } else {
                topicOperations.alterConfig(topic, overrides -> apply(overrides, configs));
            }
        } catch (ConfigException e) {
            throw new InvalidConfigurationException(e.getMessage());
        }
    }

    /** Applies the operations to {@code overrides} (modified and returned); the result is not yet validated. */
    private Map<String, String> apply(Map<String, String> overrides, Collection<AlterableConfig> configs) {
        for (AlterableConfig config : configs) {
            String key = config.name();
            OpType op = OpType.forId(config.configOperation());
            switch (op) {
                case SET:
                    overrides.put(key, config.value());
                    break;
                case DELETE:
                    overrides.remove(key);
                    break;
                default:
                    overrides.put(key, String.join(",", changeList(op, key, overrides.get(key), config.value())));
                    break;
            }
        }
        return overrides;
    }

    /** APPEND or SUBTRACT {@code value}'s items to or from a list config's override, or its default. */
    private List<String> changeList(OpType op, String key, String override, String value) {
        if (TopicConfig.type(key) != ConfigDef.Type.LIST) {
            throw new InvalidConfigurationException("Can't " + op + " to key " + key + " because its type is not LIST.");
        }
        String current = override != null ? override : brokerConfig.topicDefault(key);
        List<String> items = new ArrayList<>();
        for (String item : current == null ? new String[0] : current.split(",")) {
            if (!item.isEmpty()) {
                items.add(item);
            }
        }
        for (String item : value.split(",")) {
            if (op == OpType.APPEND && !items.contains(item)) {
                items.add(item);
            } else if (op == OpType.SUBTRACT) {
                items.remove(item);
            }
        }
        return items;
    }
}
