package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.RawKafkaConnection;
import io.surety.broker.SuretyBroker;
import io.surety.broker.SuretyCluster;
import io.surety.broker.partition.Partition;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.junit.jupiter.api.Test;

/**
 * DeleteRecords on a three-node cluster with a topic of replication factor 3, as Kafka answers it:
 * only the leader deletes (a follower answers NOT_LEADER_OR_FOLLOWER), and its answer waits until
 * the low watermark — the lowest log start offset over the leader and the replicas on alive
 * brokers — reaches the offset, so every replica has moved its log start when the client hears
 * back. A follower halted without a controlled shutdown is still alive until its broker session
 * expires: a request meanwhile times out (REQUEST_TIMED_OUT), and once the controller fences the
 * broker its replica no longer holds the low watermark back.
 */
class DeleteRecordsReplicationIT {

    private static final String TOPIC = "trimmed";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final int SESSION_TIMEOUT_MS = 4000;
    private static final short VERSION = 2;

    @Test
    void shouldAnswerOnlyAfterEveryReplicaMovedItsLogStartAndOnlyOnTheLeader() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, SESSION_TIMEOUT_MS)) {
            int leader = produceThousand(cluster);

            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
                long lowWatermark = admin.deleteRecords(Map.of(TP, RecordsToDelete.beforeOffset(600))).lowWatermarks().get(TP)
                        .get(30, TimeUnit.SECONDS).lowWatermark();
                assertThat(lowWatermark).isEqualTo(600);
            }
            // Checked right after the answer, not awaited: the answer itself waited for the followers.
            for (int id : cluster.nodeIds()) {
                assertThat(ClusterFixtures.replica(cluster, id, TP).logStartOffset()).as("node %d's log start", id)
                        .isGreaterThanOrEqualTo(600);
            }

            int follower = followerOf(cluster, leader);
            DeleteRecordsPartitionResult refused = deleteRecords(cluster.node(follower).orElseThrow(), 700, 5000);
            assertThat(Errors.forCode(refused.errorCode())).isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER);
            assertThat(refused.lowWatermark()).isEqualTo(-1);
            assertThat(ClusterFixtures.replica(cluster, leader, TP).logStartOffset()).as("the leader deleted nothing")
                    .isEqualTo(600);
        }
    }

    @Test
    void shouldTimeOutWhileHaltedFollowerIsAliveAndAnswerOnceItsBrokerIsFenced() throws Exception {
        try (SuretyCluster cluster = ClusterFixtures.startReady(3, SESSION_TIMEOUT_MS)) {
            int leader = produceThousand(cluster);
            int halted = followerOf(cluster, leader);
            cluster.halt(halted);
            SuretyBroker leaderBroker = cluster.node(leader).orElseThrow();

            DeleteRecordsPartitionResult timedOut = deleteRecords(leaderBroker, 700, 1000);
            assertThat(Errors.forCode(timedOut.errorCode())).isEqualTo(Errors.REQUEST_TIMED_OUT);
            assertThat(ClusterFixtures.replica(cluster, leader, TP).logStartOffset()).as("the leader's deletion stands")
                    .isEqualTo(700);

            DeleteRecordsPartitionResult answered = deleteRecords(leaderBroker, 800, 30_000);
            assertThat(Errors.forCode(answered.errorCode())).isEqualTo(Errors.NONE);
            assertThat(answered.lowWatermark()).isEqualTo(800);
            assertThat(ClusterFixtures.image(cluster, leader).broker(halted).fenced())
                    .as("answered only once the halted broker's session expired").isTrue();
            int running = cluster.nodeIds().stream().filter(id -> id != leader && id != halted).findFirst().orElseThrow();
            assertThat(ClusterFixtures.replica(cluster, running, TP).logStartOffset()).isEqualTo(800);
        }
    }

    /** Creates the topic, writes 1,000 records with acks=all, and returns the leader. */
    private static int produceThousand(SuretyCluster cluster) throws Exception {
        ClusterFixtures.createTopic(cluster, TOPIC, 1, (short) 3, Map.of("min.insync.replicas", "2"));
        try (KafkaProducer<String, String> producer = ClusterFixtures.producer(cluster, "all")) {
            for (int i = 0; i < 999; i++) {
                producer.send(new ProducerRecord<>(TOPIC, "k" + i, "v" + i));
            }
            producer.send(new ProducerRecord<>(TOPIC, "k", "last")).get(30, TimeUnit.SECONDS);
        }
        int leader = ClusterFixtures.state(cluster, cluster.nodeIds().get(0), TOPIC, 0).leader();
        Partition partition = ClusterFixtures.replica(cluster, leader, TP);
        assertThat(partition.highWatermark()).isEqualTo(1000);
        return leader;
    }

    private static int followerOf(SuretyCluster cluster, int leader) {
        return cluster.nodeIds().stream().filter(id -> id != leader).findFirst().orElseThrow();
    }

    /** DeleteRecords of the topic's partition before {@code offset}, sent straight to {@code node}. */
    private static DeleteRecordsPartitionResult deleteRecords(SuretyBroker node, long offset, int timeoutMs)
            throws IOException {
        DeleteRecordsRequestData request = new DeleteRecordsRequestData().setTimeoutMs(timeoutMs)
                .setTopics(List.of(new DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC)
                        .setPartitions(List.of(new DeleteRecordsRequestData.DeleteRecordsPartition()
                                .setPartitionIndex(0).setOffset(offset)))));
        try (RawKafkaConnection connection = RawKafkaConnection.open(node.port())) {
            DeleteRecordsResponseData response = connection.call(ApiKeys.DELETE_RECORDS, VERSION, request);
            return response.topics().find(TOPIC).partitions().find(0);
        }
    }
}
