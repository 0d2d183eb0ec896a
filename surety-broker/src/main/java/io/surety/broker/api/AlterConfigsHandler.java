package io.surety.broker.api;

import io.surety.broker.cluster.TopicImage;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AlterConfigOp.OpType;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.message.AlterConfigsRequestData;
import org.apache.kafka.common.message.AlterConfigsResponseData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterableConfig;
import org.apache.kafka.common.message.IncrementalAlterConfigsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AlterConfigsRequest;

/**
 * AlterConfigs, the original form of the API that clients without IncrementalAlterConfigs still
 * send (KafkaJS, older librdkafka): the configs given for a resource replace all of its
 * overrides, so a key not named goes back to its default, and a null value removes the key. As
 * in Kafka, a key given twice takes its last value, a resource named twice is answered once
 * with INVALID_REQUEST and an unknown resource type with UNSUPPORTED_VERSION. Stateless and
 * thread-safe.
 *
 * <p>Implementation notes: each resource is translated into IncrementalAlterConfigs operations —
 * SET for each key given, DELETE for each current override not given — and applied by
 * {@link IncrementalAlterConfigsHandler}, so validation, durability and the controller in
 * cluster mode are the same for both forms. The current overrides are read just before, from
 * the topic registry (or the committed image in cluster mode): an override another request adds
 * in between survives the replacement, where Kafka's controller would remove it.
 */
final class AlterConfigsHandler implements ApiHandler {

    private final IncrementalAlterConfigsHandler incremental;
    private final TopicRegistry topics;
    private final Optional<ClusterView> cluster;

    AlterConfigsHandler(IncrementalAlterConfigsHandler incremental, TopicRegistry topics, Optional<ClusterView> cluster) {
        this.incremental = incremental;
        this.topics = topics;
        this.cluster = cluster;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.ALTER_CONFIGS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        AlterConfigsRequestData data = ((AlterConfigsRequest) request.body()).data();
        AlterConfigsResponseData response = new AlterConfigsResponseData();
        Set<ConfigResource> seen = new HashSet<>();
        Set<ConfigResource> duplicated = new HashSet<>();
        for (AlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            ConfigResource key = resourceOf(resource.resourceType(), resource.resourceName());
            if (!seen.add(key) && duplicated.add(key)) {
                response.responses().add(answer(resource.resourceType(), resource.resourceName(), Errors.INVALID_REQUEST,
                        "Duplicate resource."));
            }
        }
        IncrementalAlterConfigsRequestData translated = new IncrementalAlterConfigsRequestData()
                .setValidateOnly(data.validateOnly());
        for (AlterConfigsRequestData.AlterConfigsResource resource : data.resources()) {
            ConfigResource key = resourceOf(resource.resourceType(), resource.resourceName());
            if (duplicated.contains(key)) {
                continue;
            }
            if (key.type() == ConfigResource.Type.UNKNOWN) {
                response.responses().add(answer(resource.resourceType(), resource.resourceName(),
                        Errors.UNSUPPORTED_VERSION, "Unknown resource type " + resource.resourceType() + "."));
                continue;
            }
            translated.resources().add(asIncremental(key, resource));
        }
        if (translated.resources().isEmpty()) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(response));
        }
        return incremental.alter(translated, request.access()).thenApply(answers -> {
            for (IncrementalAlterConfigsResponseData.AlterConfigsResourceResponse answer : answers.responses()) {
                response.responses().add(new AlterConfigsResponseData.AlterConfigsResourceResponse()
                        .setResourceType(answer.resourceType()).setResourceName(answer.resourceName())
                        .setErrorCode(answer.errorCode()).setErrorMessage(answer.errorMessage()));
            }
            return new ApiResponse.Send(response);
        });
    }

    /** SET for each key given (its last value), DELETE for a null value and for each override of a topic not given. */
    private IncrementalAlterConfigsRequestData.AlterConfigsResource asIncremental(ConfigResource key,
            AlterConfigsRequestData.AlterConfigsResource resource) {
        Map<String, String> wanted = new LinkedHashMap<>();
        resource.configs().forEach(config -> wanted.put(config.name(), config.value()));
        IncrementalAlterConfigsRequestData.AlterConfigsResource change = new IncrementalAlterConfigsRequestData
                .AlterConfigsResource().setResourceType(resource.resourceType()).setResourceName(resource.resourceName());
        wanted.forEach((name, value) -> change.configs().add(new AlterableConfig().setName(name).setValue(value)
                .setConfigOperation((value == null ? OpType.DELETE : OpType.SET).id())));
        if (key.type() == ConfigResource.Type.TOPIC) {
            for (String name : currentOverrides(key.name()).keySet()) {
                if (!wanted.containsKey(name)) {
                    change.configs().add(new AlterableConfig().setName(name).setConfigOperation(OpType.DELETE.id()));
                }
            }
        }
        return change;
    }

    /** The topic's overrides as this node knows them; none if there is no such topic (refused later). */
    private Map<String, String> currentOverrides(String topic) {
        if (cluster.isPresent()) {
            TopicImage image = cluster.get().image().topic(topic);
            return image == null ? Map.of() : new HashMap<>(image.configs());
        }
        TopicInfo info = topics.get(topic);
        return info == null ? Map.of() : new HashMap<>(info.config().overrides());
    }

    private static ConfigResource resourceOf(byte type, String name) {
        return new ConfigResource(ConfigResource.Type.forId(type), name);
    }

    private static AlterConfigsResponseData.AlterConfigsResourceResponse answer(byte type, String name, Errors error,
            String message) {
        return new AlterConfigsResponseData.AlterConfigsResourceResponse().setResourceType(type).setResourceName(name)
                .setErrorCode(error.code()).setErrorMessage(message);
    }

}
