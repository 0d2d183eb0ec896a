package io.surety.broker.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.NodeCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.requests.DescribeQuorumResponse;
import org.junit.jupiter.api.Test;

class DescribeQuorumHandlerTest {

    @Test
    void shouldWriteTheControllersAnswerAtEveryVersionAClientMayAsk() {
        for (short version = ApiKeys.DESCRIBE_QUORUM.oldestVersion(); version <= ApiKeys.DESCRIBE_QUORUM.latestVersion();
                version++) {
            DescribeQuorumResponseData answer = DescribeQuorumHandler.forVersion(newestAnswer(), version);

            assertThat(MessageUtil.toByteBufferAccessor(answer, version).buffer().remaining()).as("v%d", version)
                    .isPositive();
            ReplicaState voter = answer.topics().get(0).partitions().get(0).currentVoters().get(0);
            assertThat(voter.logEndOffset()).isEqualTo(42);
            assertThat(voter.lastFetchTimestamp()).isEqualTo(version >= 1 ? 1_000L : -1L);
            assertThat(answer.nodes()).hasSize(version >= 2 ? 1 : 0);
        }
    }

    private static DescribeQuorumResponseData newestAnswer() {
        ListenerCollection listeners = new ListenerCollection();
        listeners.add(new Listener().setName("CONTROLLER").setHost("127.0.0.1").setPort(9093));
        NodeCollection nodes = new NodeCollection();
        nodes.add(new Node().setNodeId(1).setListeners(listeners));
        PartitionData partition = new PartitionData().setLeaderId(1).setLeaderEpoch(3).setHighWatermark(42)
                .setCurrentVoters(List.of(new ReplicaState().setReplicaId(1).setReplicaDirectoryId(Uuid.randomUuid())
                        .setLogEndOffset(42).setLastFetchTimestamp(1_000).setLastCaughtUpTimestamp(1_000)));
        return DescribeQuorumResponse.singletonResponse(new TopicPartition("__cluster_metadata", 0), partition, nodes);
    }
}
