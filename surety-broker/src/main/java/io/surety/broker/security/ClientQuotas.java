package io.surety.broker.security;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.metadata.ClientQuotaRecord;
import org.apache.kafka.common.metadata.ClientQuotaRecord.EntityData;
import org.apache.kafka.common.metadata.MetadataRecordType;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * The client quotas, by entity, as Kafka's {@code ClientQuotaRecord}s left them: an entity is a map
 * of entity type ({@code user}, {@code client-id}, {@code ip}) to name, a null name meaning the
 * type's default; each has values by key ({@code producer_byte_rate}, {@code consumer_byte_rate},
 * ...). {@link #bound} resolves the quota of a connection as Kafka's default quota callback does.
 *
 * <p>Thread-safe: replayed under the store's lock (or on the metadata publisher thread), read on
 * every produce and fetch through an immutable snapshot swapped on each change.
 */
public final class ClientQuotas implements SecurityState {

    /** Where a quota was found: the sensor it shares, and its bound. */
    public record Bound(String user, String clientId, double value) {
    }

    private volatile Map<Map<String, String>, Map<String, Double>> byEntity = Map.of();

    @Override
    public Set<MetadataRecordType> recordTypes() {
        return Set.of(MetadataRecordType.CLIENT_QUOTA_RECORD);
    }

    @Override
    public void replay(ApiMessage record) {
        ClientQuotaRecord quota = (ClientQuotaRecord) record;
        Map<String, String> entity = entityOf(quota.entity());
        Map<Map<String, String>, Map<String, Double>> next = new HashMap<>(byEntity);
        Map<String, Double> values = new TreeMap<>(next.getOrDefault(entity, Map.of()));
        if (quota.remove()) {
            values.remove(quota.key());
        } else {
            values.put(quota.key(), quota.value());
        }
        if (values.isEmpty()) {
            next.remove(entity);
        } else {
            next.put(entity, Collections.unmodifiableMap(values));
        }
        byEntity = Map.copyOf(next);
    }

    @Override
    public List<ApiMessageAndVersion> snapshot() {
        List<ApiMessageAndVersion> records = new ArrayList<>();
        byEntity.forEach((entity, values) -> values.forEach((key, value) -> records.add(new ApiMessageAndVersion(
                new ClientQuotaRecord().setEntity(entityData(entity)).setKey(key).setValue(value), (short) 0))));
        return records;
    }

    /** Every entity with its values. */
    public Map<Map<String, String>, Map<String, Double>> all() {
        return byEntity;
    }

    public boolean isEmpty() {
        return byEntity.isEmpty();
    }

    /**
     * The quota {@code key} of a connection of {@code user} with {@code clientId}, in Kafka's order:
     * user and client id, user and default client id, user, default user and client id, default
     * user and default client id, default user, client id, default client id. The bound names the
     * sensor the connection shares: its user when the entity has a user part, its client id when
     * it has a client-id part (a default's sensor is still per user or client id, as in Kafka).
     */
    public Optional<Bound> bound(String key, String user, String clientId) {
        Map<Map<String, String>, Map<String, Double>> quotas = byEntity;
        if (quotas.isEmpty()) {
            return Optional.empty();
        }
        String[][] order = {{user, clientId}, {user, null}, {user, ""}, {null, clientId}, {null, null}, {null, ""},
            {"", clientId}, {"", null}};
        for (String[] candidate : order) {
            Map<String, String> entity = new HashMap<>();
            // "" marks a part the entity does not have; null a default.
            if (!"".equals(candidate[0])) {
                entity.put(ClientQuotaEntity.USER, candidate[0]);
            }
            if (!"".equals(candidate[1])) {
                entity.put(ClientQuotaEntity.CLIENT_ID, candidate[1]);
            }
            Map<String, Double> values = quotas.get(entity);
            Double value = values == null ? null : values.get(key);
            if (value != null) {
                return Optional.of(new Bound(entity.containsKey(ClientQuotaEntity.USER) ? user : "",
                        entity.containsKey(ClientQuotaEntity.CLIENT_ID) ? clientId : "", value));
            }
        }
        return Optional.empty();
    }

    static Map<String, String> entityOf(List<EntityData> parts) {
        Map<String, String> entity = new HashMap<>();
        parts.forEach(part -> entity.put(part.entityType(), part.entityName()));
        return Collections.unmodifiableMap(entity);
    }

    static List<EntityData> entityData(Map<String, String> entity) {
        List<EntityData> parts = new ArrayList<>();
        new TreeMap<>(entity).forEach((type, name) -> parts.add(new EntityData().setEntityType(type).setEntityName(name)));
        return parts;
    }
}
