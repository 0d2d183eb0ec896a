package io.surety.broker.api;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.ApiException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.message.DescribeConfigsRequestData;
import org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource;
import org.apache.kafka.common.message.DescribeConfigsResponseData;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResourceResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsResult;
import org.apache.kafka.common.message.DescribeConfigsResponseData.DescribeConfigsSynonym;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeConfigsRequest;

/**
 * DescribeConfigs for topics, this broker and its loggers. A topic shows every topic config, its
 * override or the broker's default; the broker (named by its node id) shows its static settings.
 * The cluster-wide default broker resource (empty name) and the broker loggers have no entries:
 * there are no dynamic configs and log levels are not exposed. Synonyms come only when asked for
 * (v1+), the value type from v3; documentation is never included. In cluster mode a topic's
 * overrides are those of the committed image, so every node describes the same configs.
 */
final class DescribeConfigsHandler implements ApiHandler {

    private final BrokerConfig brokerConfig;
    private final TopicRegistry topics;
    private final BrokerNode localNode;
    private final Optional<ClusterView> cluster;

    DescribeConfigsHandler(BrokerConfig brokerConfig, TopicRegistry topics, BrokerNode localNode,
            Optional<ClusterView> cluster) {
        this.brokerConfig = brokerConfig;
        this.topics = topics;
        this.localNode = localNode;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DescribeConfigsRequestData data = ((DescribeConfigsRequest) request.body()).data();
        DescribeConfigsResponseData response = new DescribeConfigsResponseData();
        for (DescribeConfigsResource resource : data.resources()) {
            DescribeConfigsResult result = new DescribeConfigsResult().setResourceType(resource.resourceType())
                    .setResourceName(resource.resourceName());
            try {
                // Before the resource is looked up, so that existence never leaks.
                Errors denied = AccessRules.ConfigResourceName.denial(request.access(), resource.resourceType(),
                        resource.resourceName());
                if (denied != Errors.NONE) {
                    throw denied.exception();
                }
                for (ConfigEntries.Entry entry : entries(resource)) {
                    if (wanted(resource.configurationKeys(), entry.name())) {
                        result.configs().add(describe(entry, data.includeSynonyms()));
                    }
                }
                result.setErrorCode(Errors.NONE.code()).setErrorMessage(null);
            } catch (ApiException e) {
                result.setErrorCode(Errors.forException(e).code()).setErrorMessage(e.getMessage()).setConfigs(new ArrayList<>());
            }
            response.results().add(result);
        }
        return CompletableFuture.completedFuture(new ApiResponse.Send(response));
    }

    private List<ConfigEntries.Entry> entries(DescribeConfigsResource resource) {
        String name = resource.resourceName();
        ConfigResource.Type type = ConfigResource.Type.forId(resource.resourceType());
        if (type == ConfigResource.Type.TOPIC) {
            TopicOperations.validateName(name);
            if (cluster.isPresent()) {
                return ofImageTopic(cluster.get().image(), name);
            }
            TopicInfo topic = topics.get(name);
            if (topic == null) {
                throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
            }
            return ConfigEntries.ofTopic(brokerConfig, topic.config());
        }
        if (type == ConfigResource.Type.BROKER) {
            if (name.isEmpty()) {
                return List.of();
            }
            checkThisNode(name, " or empty string");
            return ConfigEntries.ofBroker(brokerConfig);
        }
        if (type == ConfigResource.Type.BROKER_LOGGER) {
            if (name.isEmpty()) {
                throw new InvalidRequestException("Broker id must not be empty");
            }
            checkThisNode(name, "");
            return List.of();
        }
        throw new InvalidRequestException("Unsupported resource type: " + type);
    }

    /** A topic's configs in cluster mode: the overrides the committed image holds, over this broker's defaults. */
    private List<ConfigEntries.Entry> ofImageTopic(ClusterImage image, String name) {
        TopicImage topic = image.topic(name);
        if (topic == null) {
            throw new UnknownTopicOrPartitionException("The topic '" + name + "' does not exist.");
        }
        try {
            return ConfigEntries.ofTopic(brokerConfig, TopicConfig.of(brokerConfig, topic.configs()));
        } catch (ConfigException e) {
            throw new InvalidConfigurationException("The committed configs of topic " + name + " are not valid here: "
                    + e.getMessage());
        }
    }

    private void checkThisNode(String name, String alternative) {
        int node = localNode.nodeId();
        int requested;
        try {
            requested = Integer.parseInt(name);
        } catch (NumberFormatException e) {
            throw new InvalidRequestException("Broker id must be an integer, but it is: " + name);
        }
        if (requested != node) {
            throw new InvalidRequestException("Unexpected broker id, expected " + node + alternative + ", but received " + name);
        }
    }

    private static boolean wanted(List<String> keys, String name) {
        return keys == null || keys.isEmpty() || keys.contains(name);
    }

    private static DescribeConfigsResourceResult describe(ConfigEntries.Entry entry, boolean includeSynonyms) {
        DescribeConfigsResourceResult out = new DescribeConfigsResourceResult().setName(entry.name())
                .setValue(entry.value()).setReadOnly(entry.readOnly()).setConfigSource(entry.source().id())
                .setIsSensitive(false).setConfigType(entry.type().id()).setDocumentation(null);
        if (includeSynonyms) {
            for (ConfigEntries.Synonym synonym : entry.synonyms()) {
                out.synonyms().add(new DescribeConfigsSynonym().setName(synonym.name()).setValue(synonym.value())
                        .setSource(synonym.source().id()));
            }
        }
        return out;
    }
}
