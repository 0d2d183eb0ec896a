package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.producer.ProducerIdAllocator;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Three in-process nodes form a cluster: one metadata quorum, one active controller, every broker
 * registered and unfenced in every node's committed image; a stopped controller is replaced, the
 * stopped broker fenced when its session expires, and registered again with a new epoch on return.
 */
class ClusterFormationIT {

    @Test
    void shouldFormAClusterAndFenceAndReadmitAStoppedNode() throws IOException {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "1500")
                .start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> everyNodeSees(cluster, List.of(1, 2, 3), List.of()));
            assertThat(controllers(cluster)).hasSize(1);
            for (int id : cluster.nodeIds()) {
                assertThat(node(cluster, id).image().clusterId()).contains(cluster.clusterId());
            }

            int controller = controllers(cluster).get(0);
            long oldEpoch = node(cluster, controller).image().broker(controller).brokerEpoch();
            cluster.stop(controller);
            List<Integer> others = cluster.nodeIds().stream().filter(id -> id != controller).toList();

            await().atMost(30, TimeUnit.SECONDS).until(() -> controllers(cluster).size() == 1
                    && everyNodeSees(cluster, others, List.of(controller)));
            assertThat(controllers(cluster)).doesNotContain(controller);

            cluster.restart(controller);
            await().atMost(30, TimeUnit.SECONDS).until(() -> everyNodeSees(cluster, List.of(1, 2, 3), List.of()));
            assertThat(node(cluster, controller).image().broker(controller).brokerEpoch()).isGreaterThan(oldEpoch);
        }
    }

    @Test
    void shouldHandOutDisjointProducerIdBlocksToEveryNode() throws Exception {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3).config("broker.heartbeat.interval.ms", "200").start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> everyNodeSees(cluster, List.of(1, 2, 3), List.of()));
            java.util.TreeMap<Long, Long> blocks = new java.util.TreeMap<>();
            for (int round = 0; round < 3; round++) {
                for (int id : cluster.nodeIds()) {
                    ProducerIdAllocator.Block block = node(cluster, id).reserveProducerIds();
                    assertThat(blocks.put(block.firstId(), block.firstId() + block.size())).isNull();
                }
            }
            long end = -1;
            for (var block : blocks.entrySet()) {
                assertThat(block.getKey()).as("blocks never overlap").isGreaterThanOrEqualTo(end);
                end = block.getValue();
            }
            assertThat(blocks).hasSize(9);
        }
    }

    private static ClusterNode node(SuretyCluster cluster, int id) {
        return cluster.node(id).flatMap(SuretyBroker::clusterNode).orElseThrow();
    }

    private static List<Integer> controllers(SuretyCluster cluster) {
        return cluster.nodeIds().stream().filter(id -> cluster.node(id).flatMap(SuretyBroker::clusterNode)
                .map(ClusterNode::isController).orElse(false)).toList();
    }

    /** Every running node's image shows {@code unfenced} unfenced and {@code fenced} fenced. */
    private static boolean everyNodeSees(SuretyCluster cluster, List<Integer> unfenced, List<Integer> fenced) {
        for (int id : cluster.nodeIds()) {
            if (cluster.node(id).isEmpty()) {
                continue;
            }
            ClusterImage image = node(cluster, id).image();
            for (int broker : unfenced) {
                BrokerRegistration registration = image.broker(broker);
                if (registration == null || registration.fenced()) {
                    return false;
                }
            }
            for (int broker : fenced) {
                BrokerRegistration registration = image.broker(broker);
                if (registration == null || !registration.fenced()) {
                    return false;
                }
            }
        }
        return true;
    }
}
