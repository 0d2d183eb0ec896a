package io.surety.broker.api;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;

/**
 * DescribeClientQuotas (v0-1): Surety stores no client quotas yet, so every valid filter matches
 * nothing, as on a Kafka broker where none is set. Served so that {@code kafka-configs --describe
 * --entity-type users} (which asks for quotas before SCRAM credentials) works. The filter is
 * checked as Kafka checks it: an empty or repeated entity type, a match string with a match type
 * that takes none (or none with EXACT), and ip combined with user or client-id are INVALID_REQUEST;
 * an entity type other than user, client-id and ip is UNSUPPORTED_VERSION. Stateless; any thread.
 */
final class DescribeClientQuotasHandler implements ApiHandler {

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DESCRIBE_CLIENT_QUOTAS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        validate(((DescribeClientQuotasRequest) request.body()).data());
        return CompletableFuture.completedFuture(new ApiResponse.Send(new DescribeClientQuotasResponseData()));
    }

    private static void validate(DescribeClientQuotasRequestData data) {
        Set<String> types = new HashSet<>();
        for (DescribeClientQuotasRequestData.ComponentData component : data.components()) {
            String type = component.entityType();
            if (type.isEmpty()) {
                throw new InvalidRequestException("Invalid empty entity type.");
            }
            if (!types.add(type)) {
                throw new InvalidRequestException("Entity type " + type + " cannot appear more than once in the filter.");
            }
            if (!type.equals(ClientQuotaEntity.USER) && !type.equals(ClientQuotaEntity.CLIENT_ID)
                    && !type.equals(ClientQuotaEntity.IP)) {
                throw new UnsupportedVersionException("Unsupported entity type " + type);
            }
            byte matchType = component.matchType();
            if (matchType == DescribeClientQuotasRequest.MATCH_TYPE_EXACT) {
                if (component.match() == null) {
                    throw new InvalidRequestException("Request specified MATCH_TYPE_EXACT, but set match string to null.");
                }
            } else if (matchType == DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT
                    || matchType == DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED) {
                if (component.match() != null) {
                    throw new InvalidRequestException("Request specified " + matchTypeName(matchType)
                            + ", but also specified a match string.");
                }
            } else {
                throw new InvalidRequestException("Unknown match type " + matchType);
            }
        }
        if (types.contains(ClientQuotaEntity.IP)
                && (types.contains(ClientQuotaEntity.USER) || types.contains(ClientQuotaEntity.CLIENT_ID))) {
            throw new InvalidRequestException("Invalid entity filter component combination. IP filter component should"
                    + " not be used with user or clientId filter component.");
        }
    }

    private static String matchTypeName(byte matchType) {
        return matchType == DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT ? "MATCH_TYPE_DEFAULT" : "MATCH_TYPE_SPECIFIED";
    }
}
