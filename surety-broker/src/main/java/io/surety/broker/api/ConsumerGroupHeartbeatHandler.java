package io.surety.broker.api;

import io.surety.broker.coordinator.GroupCoordinator;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.requests.ConsumerGroupHeartbeatRequest;

/**
 * ConsumerGroupHeartbeat (KIP-848, v0-1). Advertising it is what makes Kafka 4.x consumers with
 * {@code group.protocol=consumer} use this protocol.
 */
final class ConsumerGroupHeartbeatHandler implements ApiHandler {

    private final GroupCoordinator groups;

    ConsumerGroupHeartbeatHandler(GroupCoordinator groups) {
        this.groups = groups;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.CONSUMER_GROUP_HEARTBEAT;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ConsumerGroupHeartbeatRequest body = (ConsumerGroupHeartbeatRequest) request.body();
        return groups.consumerGroupHeartbeat(body.data(), GroupClients.clientId(request),
                GroupClients.host(request), request.version()).thenApply(ApiResponse.Send::new);
    }
}
