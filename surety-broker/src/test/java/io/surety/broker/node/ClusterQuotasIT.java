package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.quota.ClientQuotaAlteration;
import org.apache.kafka.common.quota.ClientQuotaEntity;
import org.apache.kafka.common.quota.ClientQuotaFilter;
import org.junit.jupiter.api.Test;

/**
 * Client quotas in a three-node cluster: set through one node, committed by the controller, every
 * node describes them (and so enforces them); removed through another, every node forgets them.
 */
class ClusterQuotasIT {

    private static Map<ClientQuotaEntity, Map<String, Double>> described(SuretyBroker node) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrapServers()))) {
            return admin.describeClientQuotas(ClientQuotaFilter.all()).entities().get(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldCarryQuotasToEveryNodeThroughTheController() throws Exception {
        ClientQuotaEntity app = new ClientQuotaEntity(Map.of(ClientQuotaEntity.CLIENT_ID, "app"));
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, 3000)) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.node(1).orElseThrow().bootstrapServers()))) {
                admin.alterClientQuotas(List.of(new ClientQuotaAlteration(app, List.of(
                        new ClientQuotaAlteration.Op("producer_byte_rate", 1_048_576.0))))).all().get(30, TimeUnit.SECONDS);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(described(node)).as("node %d", id)
                        .isEqualTo(Map.of(app, Map.of("producer_byte_rate", 1_048_576.0))));
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    cluster.node(3).orElseThrow().bootstrapServers()))) {
                admin.alterClientQuotas(List.of(new ClientQuotaAlteration(app, List.of(
                        new ClientQuotaAlteration.Op("producer_byte_rate", null))))).all().get(30, TimeUnit.SECONDS);
            }
            for (int id : cluster.nodeIds()) {
                SuretyBroker node = cluster.node(id).orElseThrow();
                await().atMost(30, TimeUnit.SECONDS).untilAsserted(() -> assertThat(described(node)).as("node %d", id).isEmpty());
            }
        }
    }
}
