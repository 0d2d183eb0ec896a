package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.quorum.QuorumPeer;
import io.surety.broker.quorum.QuorumStatus;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.DescribeQuorumResponseData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Listener;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ListenerCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.Node;
import org.apache.kafka.common.message.DescribeQuorumResponseData.NodeCollection;
import org.apache.kafka.common.message.DescribeQuorumResponseData.PartitionData;
import org.apache.kafka.common.message.DescribeQuorumResponseData.ReplicaState;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DescribeQuorumResponse;

/**
 * The answer to DescribeQuorum ({@code kafka-metadata-quorum describe --status / --replication}):
 * the metadata quorum shown as Kafka shows its {@code __cluster_metadata} partition. Stateless.
 *
 * <p>How the Ratis quorum maps onto Kafka's fields: the leader epoch is the Ratis term; offsets are
 * one past a Ratis index (Kafka's high watermark and log end offset are exclusive, a Ratis commit
 * or match index names the last entry), so the high watermark is the commit index + 1 and a voter's
 * log end offset its match index + 1. A voter's last fetch is when the leader last heard from it;
 * its last caught-up time is that same moment when it holds every committed entry, and unknown (-1)
 * otherwise, since Ratis keeps no history of it. A voter's directory id is the one it registered as
 * a broker with, or zero before it registered. Broker-only nodes, which follow the quorum without a
 * vote, are its observers, described like the voters.
 * The nodes (v2) are the voters' CONTROLLER endpoints from {@code controller.quorum.voters}.
 *
 * <p>A request that does not name exactly partition 0 of {@code __cluster_metadata} is answered
 * UNKNOWN_TOPIC_OR_PARTITION, and a member that does not lead (it lost leadership while the request
 * waited) NOT_LEADER_OR_FOLLOWER, as Kafka's quorum does.
 */
final class QuorumDescription {

    static final TopicPartition METADATA_PARTITION = new TopicPartition("__cluster_metadata", 0);

    private QuorumDescription() {
    }

    static DescribeQuorumResponseData describe(DescribeQuorumRequestData request, QuorumStatus status,
            List<QuorumPeer> voters, String controllerListener, ClusterImage image, long nowMs) {
        if (!namesOnlyTheMetadataPartition(request)) {
            return DescribeQuorumResponse.singletonErrorResponse(METADATA_PARTITION, Errors.UNKNOWN_TOPIC_OR_PARTITION);
        }
        if (status.members().isEmpty()) {
            return DescribeQuorumResponse.singletonErrorResponse(METADATA_PARTITION, Errors.NOT_LEADER_OR_FOLLOWER);
        }
        List<ReplicaState> currentVoters = new ArrayList<>();
        List<ReplicaState> observers = new ArrayList<>();
        for (QuorumStatus.Member member : status.members()) {
            long lastFetchMs = nowMs - member.sinceLastContactMs();
            BrokerRegistration broker = image.broker(member.nodeId());
            boolean voter = voters.stream().anyMatch(peer -> peer.nodeId() == member.nodeId());
            (voter ? currentVoters : observers).add(new ReplicaState()
                    .setReplicaId(member.nodeId())
                    .setReplicaDirectoryId(broker == null ? Uuid.ZERO_UUID : broker.directoryId())
                    .setLogEndOffset(member.matchIndex() + 1)
                    .setLastFetchTimestamp(lastFetchMs)
                    .setLastCaughtUpTimestamp(member.matchIndex() >= status.commitIndex() ? lastFetchMs : -1));
        }
        PartitionData partition = new PartitionData()
                .setPartitionIndex(METADATA_PARTITION.partition())
                .setLeaderId(status.leaderId().orElse(-1))
                .setLeaderEpoch((int) status.term())
                .setHighWatermark(status.commitIndex() + 1)
                .setCurrentVoters(currentVoters)
                .setObservers(observers);
        NodeCollection nodes = new NodeCollection();
        for (QuorumPeer voter : voters) {
            ListenerCollection listeners = new ListenerCollection();
            listeners.add(new Listener().setName(controllerListener).setHost(voter.host()).setPort(voter.port()));
            nodes.add(new Node().setNodeId(voter.nodeId()).setListeners(listeners));
        }
        return DescribeQuorumResponse.singletonResponse(METADATA_PARTITION, partition,
                nodes);
    }

    private static boolean namesOnlyTheMetadataPartition(DescribeQuorumRequestData request) {
        return request.topics().size() == 1
                && request.topics().get(0).topicName().equals(METADATA_PARTITION.topic())
                && request.topics().get(0).partitions().size() == 1
                && request.topics().get(0).partitions().get(0).partitionIndex() == METADATA_PARTITION.partition();
    }
}
