package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * A topic created through the controller becomes replicas on every node it is assigned to, each
 * leading or following in the epoch the committed metadata gives, and a new leader takes over in a
 * higher epoch when the old one's node stops.
 */
class ReplicaRolesIT {

    @Test
    void shouldOpenEveryAssignedReplicaInTheRoleTheMetadataGives() throws IOException {
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "1500")
                .start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> !node(cluster, id).isFenced()));
            CreateTopicsResponseData created = create(cluster, "replicated", 3, (short) 3);
            assertThat(Errors.forCode(created.topics().find("replicated").errorCode())).isEqualTo(Errors.NONE);

            await().atMost(30, TimeUnit.SECONDS).until(() -> rolesMatchImage(cluster, "replicated", 3));

            TopicImage topic = node(cluster, 1).image().topic("replicated");
            int leader = topic.partition(0).leader();
            int epoch = topic.partition(0).leaderEpoch();
            cluster.stop(leader);
            await().atMost(30, TimeUnit.SECONDS).until(() -> {
                PartitionState now = anyRunning(cluster).image().topic("replicated").partition(0);
                return now.leader() != leader && now.hasLeader() && now.leaderEpoch() > epoch
                        && rolesMatchImage(cluster, "replicated", 3);
            });
        }
    }

    @Test
    void shouldMoveLeadershipAwayBeforeACleanStopExits() throws IOException {
        // Sessions far longer than the wait below: only the controlled shutdown can move leadership in time.
        try (SuretyCluster cluster = SuretyCluster.builder().nodes(3)
                .config("broker.heartbeat.interval.ms", "200")
                .config("broker.session.timeout.ms", "60000")
                .start()) {
            await().atMost(30, TimeUnit.SECONDS).until(() -> cluster.nodeIds().stream()
                    .allMatch(id -> !node(cluster, id).isFenced()));
            create(cluster, "handover", 1, (short) 3);
            await().atMost(30, TimeUnit.SECONDS).until(() -> rolesMatchImage(cluster, "handover", 1));
            int leader = node(cluster, 1).image().topic("handover").partition(0).leader();

            long startNs = System.nanoTime();
            cluster.stop(leader);

            await().atMost(10, TimeUnit.SECONDS).until(() -> {
                PartitionState now = anyRunning(cluster).image().topic("handover").partition(0);
                return now.hasLeader() && now.leader() != leader && rolesMatchImage(cluster, "handover", 1);
            });
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs)).isLessThan(60_000);
        }
    }

    private static CreateTopicsResponseData create(SuretyCluster cluster, String name, int partitions, short rf) {
        CreateTopicsRequestData request = new CreateTopicsRequestData().setTimeoutMs(30_000);
        request.topics().add(new CreateTopicsRequestData.CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor(rf));
        byte[] answer = node(cluster, 1).controllerRequest(ControllerMessages.request(ApiKeys.CREATE_TOPICS, request)).join();
        return ControllerMessages.readAnswer(ApiKeys.CREATE_TOPICS, answer);
    }

    /** On every running node: each assigned replica is open, leads exactly where the image says, in its epoch. */
    private static boolean rolesMatchImage(SuretyCluster cluster, String name, int partitions) {
        for (int id : cluster.nodeIds()) {
            if (cluster.node(id).isEmpty()) {
                continue;
            }
            ClusterNode node = node(cluster, id);
            TopicImage topic = node.image().topic(name);
            if (topic == null) {
                return false;
            }
            for (int p = 0; p < partitions; p++) {
                PartitionState state = topic.partition(p);
                Partition replica = node.localReplica(new TopicPartition(name, p));
                if (replica == null || replica.replication().leaderEpoch() != state.leaderEpoch()
                        || replica.replication().isLeader() != (state.leader() == id)) {
                    return false;
                }
            }
        }
        return true;
    }

    private static ClusterNode anyRunning(SuretyCluster cluster) {
        return cluster.nodeIds().stream().filter(id -> cluster.node(id).isPresent()).map(id -> node(cluster, id))
                .findFirst().orElseThrow();
    }

    private static ClusterNode node(SuretyCluster cluster, int id) {
        return cluster.node(id).flatMap(SuretyBroker::clusterNode).orElseThrow();
    }
}
