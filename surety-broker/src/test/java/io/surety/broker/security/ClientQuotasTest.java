package io.surety.broker.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntityData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.EntryData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData.OpData;
import org.apache.kafka.common.message.AlterClientQuotasResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.server.common.ApiMessageAndVersion;
import org.junit.jupiter.api.Test;

/**
 * Client quotas as Kafka resolves and validates them: the eight entities a connection's quota is
 * looked up in, in Kafka's order, each naming the sensor it shares; AlterClientQuotas refusing
 * what Kafka's controller refuses and storing only changed values.
 */
class ClientQuotasTest {

    private final ClientQuotas quotas = new ClientQuotas();

    private SecurityChange<AlterClientQuotasResponseData> alter(Map<String, String> entity, String key, Double value,
            boolean validateOnly) {
        EntryData entry = new EntryData();
        entity.forEach((type, name) -> entry.entity().add(new EntityData().setEntityType(type).setEntityName(name)));
        entry.ops().add(value == null ? new OpData().setKey(key).setRemove(true) : new OpData().setKey(key).setValue(value));
        return ClientQuotaRequests.alter(new AlterClientQuotasRequestData().setEntries(List.of(entry))
                .setValidateOnly(validateOnly), quotas);
    }

    private String set(Map<String, String> entity, String key, Double value) {
        SecurityChange<AlterClientQuotasResponseData> change = alter(entity, key, value, false);
        change.records().forEach(record -> quotas.replay(record.message()));
        AlterClientQuotasResponseData.EntryData answer = change.answer().entries().get(0);
        return Errors.forCode(answer.errorCode()) + (answer.errorMessage() == null ? "" : ": " + answer.errorMessage());
    }

    private static Map<String, String> entity(String... typeAndName) {
        Map<String, String> entity = new HashMap<>();
        for (int i = 0; i < typeAndName.length; i += 2) {
            entity.put(typeAndName[i], typeAndName[i + 1]);
        }
        return entity;
    }

    @Test
    void shouldResolveAConnectionsQuotaInKafkasOrderNamingTheSensorItShares() {
        String key = "producer_byte_rate";
        List<String> resolved = new ArrayList<>();
        set(entity("client-id", null), key, 8.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("client-id", "app"), key, 7.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", null), key, 6.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", null, "client-id", null), key, 5.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", null, "client-id", "app"), key, 4.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", "alice"), key, 3.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", "alice", "client-id", null), key, 2.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());
        set(entity("user", "alice", "client-id", "app"), key, 1.0);
        resolved.add(quotas.bound(key, "alice", "app").orElseThrow().toString());

        assertThat(resolved).containsExactly(
                "Bound[user=, clientId=app, value=8.0]", "Bound[user=, clientId=app, value=7.0]",
                "Bound[user=alice, clientId=, value=6.0]", "Bound[user=alice, clientId=app, value=5.0]",
                "Bound[user=alice, clientId=app, value=4.0]", "Bound[user=alice, clientId=, value=3.0]",
                "Bound[user=alice, clientId=app, value=2.0]", "Bound[user=alice, clientId=app, value=1.0]");
        assertThat(quotas.bound("consumer_byte_rate", "alice", "app")).isEmpty();
        assertThat(quotas.bound(key, "bob", "other").orElseThrow().value()).as("default user, default client id").isEqualTo(5.0);
    }

    @Test
    void shouldRefuseWhatKafkasControllerRefuses() {
        assertThat(set(entity(), "producer_byte_rate", 1.0)).isEqualTo("INVALID_REQUEST: Invalid empty client quota entity");
        assertThat(set(entity("group", "g"), "producer_byte_rate", 1.0))
                .isEqualTo("INVALID_REQUEST: Unhandled client quota entity type: group");
        assertThat(set(entity("ip", "127.0.0.1", "user", "a"), "connection_creation_rate", 1.0))
                .startsWith("INVALID_REQUEST: Invalid quota entity combination");
        assertThat(set(entity("user", "a"), "connection_creation_rate", 1.0))
                .isEqualTo("INVALID_REQUEST: Invalid configuration key connection_creation_rate");
        assertThat(set(entity("user", "a"), "producer_byte_rate", 0.0))
                .isEqualTo("INVALID_REQUEST: Quota producer_byte_rate must be greater than 0");
        assertThat(set(entity("user", "a"), "producer_byte_rate", 1.5))
                .isEqualTo("INVALID_REQUEST: producer_byte_rate cannot be a fractional value.");
        assertThat(set(entity("user", "a"), "request_percentage", 12.5)).isEqualTo("NONE");
        assertThat(set(entity("ip", "127.0.0.1"), "connection_creation_rate", 10.0)).isEqualTo("NONE");
        assertThat(quotas.all()).hasSize(2);
    }

    @Test
    void shouldStoreOnlyChangesAndNothingWhenOnlyValidating() {
        assertThat(alter(entity("user", "a"), "producer_byte_rate", 100.0, true).records()).isEmpty();
        assertThat(set(entity("user", "a"), "producer_byte_rate", 100.0)).isEqualTo("NONE");
        assertThat(alter(entity("user", "a"), "producer_byte_rate", 100.0, false).records()).as("unchanged").isEmpty();
        List<ApiMessageAndVersion> removal = alter(entity("user", "a"), "producer_byte_rate", null, false).records();
        assertThat(removal).hasSize(1);
        removal.forEach(record -> quotas.replay(record.message()));
        assertThat(quotas.isEmpty()).isTrue();
        assertThat(alter(entity("user", "a"), "producer_byte_rate", null, false).records()).as("nothing to remove").isEmpty();
    }
}
