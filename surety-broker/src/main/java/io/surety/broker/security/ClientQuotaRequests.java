package io.surety.broker.security;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData.EntityData;
import org.apache.kafka.common.message.DescribeClientQuotasRequestData;
import org.apache.kafka.common.message.DescribeClientQuotasResponseData;
import org.apache.kafka.common.metadata.ClientQuotaRecord;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.requests.ApiError;
import org.apache.kafka.common.requests.DescribeClientQuotasRequest;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * AlterClientQuotas and DescribeClientQuotas with the rules of Kafka's controller and broker:
 * entities of {@code user} and {@code client-id} (or {@code ip} alone), the keys each may set
 * ({@code producer_byte_rate}, {@code consumer_byte_rate} and {@code request_percentage},
 * {@code controller_mutation_rate}; {@code connection_creation_rate} for ip), values above 0 and
 * whole where the key is a count, a key named twice refused. Stateless.
 */
public final class ClientQuotaRequests {

    /** The keys of user and client-id entities, and whether each takes only whole values. */
    private static final Map<String, Boolean> USER_AND_CLIENT_KEYS = Map.of("producer_byte_rate", true,
            "consumer_byte_rate", true, "request_percentage", false, "controller_mutation_rate", false);
    private static final Map<String, Boolean> IP_KEYS = Map.of("connection_creation_rate", true);

    private ClientQuotaRequests() {
    }

    /** The records of the accepted entries (none under {@code validateOnly}) and every entry's answer. */
    public static SecurityChange<AlterClientQuotasResponseData> alter(AlterClientQuotasRequestData request,
            ClientQuotas current) {
        List<ApiMessageAndVersion> records = new ArrayList<>();
        Map<Map<String, String>, ApiError> results = new LinkedHashMap<>();
        Map<Map<String, String>, List<EntityData>> asSent = new HashMap<>();
        for (AlterClientQuotasRequestData.EntryData entry : request.entries()) {
            Map<String, String> entity = new HashMap<>();
            ApiError error = ApiError.NONE;
            for (AlterClientQuotasRequestData.EntityData part : entry.entity()) {
                if (entity.containsKey(part.entityType())) {
                    error = new ApiError(Errors.INVALID_REQUEST, "Invalid client quota entity, duplicate entity entry "
                            + part.entityType());
                }
                entity.put(part.entityType(), part.entityName());
            }
            asSent.putIfAbsent(entity, entry.entity().stream().map(part -> new EntityData()
                    .setEntityType(part.entityType()).setEntityName(part.entityName())).toList());
            if (results.containsKey(entity)) {
                results.put(entity, new ApiError(Errors.INVALID_REQUEST, "Ignoring duplicate entity " + entity));
                continue;
            }
            if (error.isSuccess()) {
                error = validateEntity(entity);
            }
            List<ApiMessageAndVersion> entityRecords = new ArrayList<>();
            if (error.isSuccess()) {
                error = changes(entity, entry.ops(), current.all().getOrDefault(entity, Map.of()), entityRecords);
            }
            results.put(entity, error);
            if (error.isSuccess() && !request.validateOnly()) {
                records.addAll(entityRecords);
            }
        }
        AlterClientQuotasResponseData response = new AlterClientQuotasResponseData();
        results.forEach((entity, error) -> response.entries().add(new AlterClientQuotasResponseData.EntryData()
                .setEntity(asSent.get(entity)).setErrorCode(error.error().code())
                .setErrorMessage(error.isFailure() ? error.message() : null)));
        return new SecurityChange<>(records, response);
    }

    private static ApiError validateEntity(Map<String, String> entity) {
        if (entity.isEmpty()) {
            return new ApiError(Errors.INVALID_REQUEST, "Invalid empty client quota entity");
        }
        for (String type : entity.keySet()) {
            if (!type.equals(ClientQuotaEntity.USER) && !type.equals(ClientQuotaEntity.CLIENT_ID)
                    && !type.equals(ClientQuotaEntity.IP)) {
                return new ApiError(Errors.INVALID_REQUEST, "Unhandled client quota entity type: " + type);
            }
        }
        if (entity.containsKey(ClientQuotaEntity.IP)) {
            if (entity.size() > 1) {
                return new ApiError(Errors.INVALID_REQUEST, "Invalid quota entity combination, IP entity should"
                        + "not be combined with User or ClientId");
            }
            String ip = entity.get(ClientQuotaEntity.IP);
            try {
                if (ip != null) {
                    InetAddress.getByName(ip);
                }
            } catch (UnknownHostException e) {
                return new ApiError(Errors.INVALID_REQUEST, ip + " is not a valid IP or resolvable host.");
            }
        }
        return ApiError.NONE;
    }

    private static ApiError changes(Map<String, String> entity, List<OpData> ops, Map<String, Double> current,
            List<ApiMessageAndVersion> out) {
        Map<String, Boolean> keys = entity.containsKey(ClientQuotaEntity.IP) ? IP_KEYS : USER_AND_CLIENT_KEYS;
        Set<String> seen = new HashSet<>();
        for (OpData op : ops) {
            if (!seen.add(op.key())) {
                return new ApiError(Errors.INVALID_REQUEST, "Duplicate quota key " + op.key()
                        + " not updating quota for this entity " + entity);
            }
            if (op.remove()) {
                if (current.containsKey(op.key())) {
                    out.add(new ApiMessageAndVersion(record(entity, op.key(), 0).setRemove(true), (short) 0));
                }
                continue;
            }
            Boolean whole = keys.get(op.key());
            if (whole == null) {
                return new ApiError(Errors.INVALID_REQUEST, "Invalid configuration key " + op.key());
            }
            if (op.value() <= 0.0) {
                return new ApiError(Errors.INVALID_REQUEST, "Quota " + op.key() + " must be greater than 0");
            }
            if (whole && Math.abs(op.value() % 1.0) > 1e-6) {
                return new ApiError(Errors.INVALID_REQUEST, op.key() + " cannot be a fractional value.");
            }
            if (!Objects.equals(current.get(op.key()), op.value())) {
                out.add(new ApiMessageAndVersion(record(entity, op.key(), op.value()), (short) 0));
            }
        }
        return ApiError.NONE;
    }

    private static ClientQuotaRecord record(Map<String, String> entity, String key, double value) {
        return new ClientQuotaRecord().setEntity(ClientQuotas.entityData(entity)).setKey(key).setValue(value);
    }

    /**
     * The entities {@code request}'s filter matches, with their values; a filter Kafka refuses
     * throws its exception (INVALID_REQUEST, or UNSUPPORTED_VERSION for an unknown entity type).
     */
    public static DescribeClientQuotasResponseData describe(DescribeClientQuotasRequestData request, ClientQuotas current) {
        Map<String, String> exact = new HashMap<>();
        Set<String> specified = new HashSet<>();
        for (DescribeClientQuotasRequestData.ComponentData component : request.components()) {
            String type = component.entityType();
            if (type.isEmpty()) {
                throw new InvalidRequestException("Invalid empty entity type.");
            }
            if (exact.containsKey(type) || specified.contains(type)) {
                throw new InvalidRequestException("Entity type " + type + " cannot appear more than once in the filter.");
            }
            if (!type.equals(ClientQuotaEntity.USER) && !type.equals(ClientQuotaEntity.CLIENT_ID)
                    && !type.equals(ClientQuotaEntity.IP)) {
                throw new UnsupportedVersionException("Unsupported entity type " + type);
            }
            switch (component.matchType()) {
                case DescribeClientQuotasRequest.MATCH_TYPE_EXACT -> {
                    if (component.match() == null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_EXACT, but set match string to null.");
                    }
                    exact.put(type, component.match());
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_DEFAULT -> {
                    if (component.match() != null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_DEFAULT, but also specified a match string.");
                    }
                    exact.put(type, null);
                }
                case DescribeClientQuotasRequest.MATCH_TYPE_SPECIFIED -> {
                    if (component.match() != null) {
                        throw new InvalidRequestException("Request specified MATCH_TYPE_SPECIFIED, but also specified a match string.");
                    }
                    specified.add(type);
                }
                default -> throw new InvalidRequestException("Unknown match type " + component.matchType());
            }
        }
        boolean ip = exact.containsKey(ClientQuotaEntity.IP) || specified.contains(ClientQuotaEntity.IP);
        boolean userOrClient = exact.containsKey(ClientQuotaEntity.USER) || specified.contains(ClientQuotaEntity.USER)
                || exact.containsKey(ClientQuotaEntity.CLIENT_ID) || specified.contains(ClientQuotaEntity.CLIENT_ID);
        if (ip && userOrClient) {
            throw new InvalidRequestException("Invalid entity filter component combination. IP filter component should"
                    + " not be used with user or clientId filter component.");
        }
        DescribeClientQuotasResponseData response = new DescribeClientQuotasResponseData();
        current.all().forEach((entity, values) -> {
            if (request.strict() && entity.size() != exact.size() + specified.size()) {
                return;
            }
            for (Map.Entry<String, String> wanted : exact.entrySet()) {
                if (!entity.containsKey(wanted.getKey()) || !Objects.equals(entity.get(wanted.getKey()), wanted.getValue())) {
                    return;
                }
            }
            for (String type : specified) {
                if (!entity.containsKey(type)) {
                    return;
                }
            }
            DescribeClientQuotasResponseData.EntryData found = new DescribeClientQuotasResponseData.EntryData();
            ClientQuotas.entityData(entity).forEach(part -> found.entity().add(new DescribeClientQuotasResponseData.EntityData()
                    .setEntityType(part.entityType()).setEntityName(part.entityName())));
            values.forEach((key, value) -> found.values().add(new DescribeClientQuotasResponseData.ValueData()
                    .setKey(key).setValue(value)));
            response.entries().add(found);
        });
        return response;
    }
}
