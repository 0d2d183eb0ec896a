package io.surety.broker.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.quorum.QuorumPeer;
import io.surety.broker.quorum.QuorumStatus;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumRequest;
import org.junit.jupiter.api.Test;

class QuorumDescriptionTest {

    private static final List<QuorumPeer> VOTERS = List.of(new QuorumPeer(1, "127.0.0.1", 9101),
            new QuorumPeer(2, "127.0.0.1", 9102), new QuorumPeer(3, "127.0.0.1", 9103));
    private static final long NOW_MS = 1_800_000_000_000L;

    /** Leader 2 in term 7 has committed index 41; follower 1 is caught up, follower 3 is 11 entries behind. */
    private static final QuorumStatus LEADING = new QuorumStatus(Optional.of(2), 7, 41, List.of(
            new QuorumStatus.Member(2, 41, 0), new QuorumStatus.Member(1, 41, 120),
            new QuorumStatus.Member(3, 30, 2_500)));

    @Test
    void shouldShowTheQuorumAsKafkasMetadataPartitionWhenThisNodeLeads() {
        DescribeQuorumResponseData answer = QuorumDescription.describe(metadataRequest(), LEADING, VOTERS, "CONTROLLER",
                ClusterImage.EMPTY, NOW_MS);

        assertThat(answer.topics()).singleElement().satisfies(t -> assertThat(t.topicName()).isEqualTo("__cluster_metadata"));
        PartitionData partition = answer.topics().get(0).partitions().get(0);
        assertThat(partition.errorCode()).isZero();
        assertThat(partition.leaderId()).isEqualTo(2);
        assertThat(partition.leaderEpoch()).isEqualTo(7);
        assertThat(partition.highWatermark()).as("exclusive, one past the commit index").isEqualTo(42);
        assertThat(partition.currentVoters()).extracting(ReplicaState::replicaId).containsExactly(2, 1, 3);
        assertThat(partition.currentVoters()).extracting(ReplicaState::logEndOffset).containsExactly(42L, 42L, 31L);
        assertThat(partition.currentVoters()).extracting(ReplicaState::lastFetchTimestamp)
                .containsExactly(NOW_MS, NOW_MS - 120, NOW_MS - 2_500);
        assertThat(partition.currentVoters()).extracting(ReplicaState::lastCaughtUpTimestamp)
                .as("the lagging voter's last catch-up is unknown").containsExactly(NOW_MS, NOW_MS - 120, -1L);
        assertThat(partition.currentVoters()).extracting(ReplicaState::replicaDirectoryId)
                .as("no broker registered yet").containsOnly(Uuid.ZERO_UUID);
        assertThat(partition.observers()).isEmpty();
        assertThat(answer.nodes()).hasSize(3);
        assertThat(answer.nodes().find(3).listeners().find("CONTROLLER").port()).isEqualTo(9103);
    }

    @Test
    void shouldRefuseAnyPartitionButTheMetadataOne() {
        DescribeQuorumRequestData other = DescribeQuorumRequest.singletonRequest(
                new TopicPartition("events", 0));

        DescribeQuorumResponseData answer = QuorumDescription.describe(other, LEADING, VOTERS, "CONTROLLER",
                ClusterImage.EMPTY, NOW_MS);

        assertThat(answer.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
    }

    @Test
    void shouldAnswerNotLeaderWhenThisNodeNoLongerLeads() {
        QuorumStatus following = new QuorumStatus(Optional.of(3), 8, 50, List.of());

        DescribeQuorumResponseData answer = QuorumDescription.describe(metadataRequest(), following, VOTERS,
                "CONTROLLER", ClusterImage.EMPTY, NOW_MS);

        assertThat(answer.topics().get(0).partitions().get(0).errorCode())
                .isEqualTo(Errors.NOT_LEADER_OR_FOLLOWER.code());
    }

    private static DescribeQuorumRequestData metadataRequest() {
        return DescribeQuorumRequest.singletonRequest(QuorumDescription.METADATA_PARTITION);
    }
}
