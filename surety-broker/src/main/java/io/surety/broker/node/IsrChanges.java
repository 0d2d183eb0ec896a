package io.surety.broker.node;

import io.surety.broker.metrics.ClusterMetrics;
import io.surety.broker.partition.IsrProposal;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the ISR changes this node's leaders propose to the controller (AlterPartition) and hands
 * each answer back to its partition. Proposals come from follower fetches (a follower caught up:
 * expand) and from {@link #checkLaggingFollowers} (a follower behind for longer than
 * {@code replica.lag.time.max.ms}: shrink), which the node runs every half of that time as Kafka does.
 *
 * <p>Each change the controller commits is counted as a shrink and/or an expand ({@link ClusterMetrics})
 * against the ISR the proposal was made from: that ISR cannot change while the proposal is in flight
 * without the controller refusing it for a stale partition epoch.
 *
 * <p>Threading: {@link #submit} from any thread; answers complete on the quorum's threads and only
 * call the partition's own thread-safe methods.
 */
final class IsrChanges {

    private static final Logger LOG = LoggerFactory.getLogger(IsrChanges.class);

    private final int nodeId;
    private final LongSupplier brokerEpoch;
    private final PartitionRegistry partitions;
    private final Function<byte[], CompletableFuture<byte[]>> controller;
    private final LongSupplier nowMs;
    private final ClusterMetrics metrics;

    IsrChanges(int nodeId, LongSupplier brokerEpoch, PartitionRegistry partitions,
               Function<byte[], CompletableFuture<byte[]>> controller, LongSupplier nowMs, ClusterMetrics metrics) {
        this.nodeId = nodeId;
        this.brokerEpoch = brokerEpoch;
        this.partitions = partitions;
        this.controller = controller;
        this.nowMs = nowMs;
        this.metrics = metrics;
    }

    /** Asks every partition this node leads whether a follower fell behind, and sends the shrinks. */
    void checkLaggingFollowers() {
        long now = nowMs.getAsLong();
        for (Partition partition : partitions.all()) {
            if (partition.replication().isLeader()) {
                partition.replication().maybeShrinkIsr(now).ifPresent(p -> submit(partition.topicPartition(), p));
            }
        }
    }

    /** Sends {@code proposal} for {@code tp} and applies the controller's answer to the partition. */
    void submit(TopicPartition tp, IsrProposal proposal) {
        Partition partition = partitions.get(tp);
        if (partition == null) {
            return;
        }
        // The proposal's base: the committed ISR cannot change while it is in flight without voiding it.
        List<Integer> base = partition.replication().isr();
        List<AlterPartitionRequestData.BrokerState> members = new ArrayList<>();
        for (int member : proposal.newIsr()) {
            members.add(new AlterPartitionRequestData.BrokerState().setBrokerId(member)
                    .setBrokerEpoch(proposal.brokerEpochs().getOrDefault(member, -1L)));
        }
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(nodeId)
                .setBrokerEpoch(brokerEpoch.getAsLong());
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(partition.topicId())
                .setPartitions(List.of(new AlterPartitionRequestData.PartitionData()
                        .setPartitionIndex(tp.partition())
                        .setLeaderEpoch(proposal.leaderEpoch())
                        .setPartitionEpoch(proposal.partitionEpoch())
                        .setNewIsrWithEpochs(members))));
        LOG.info("Node {} proposes ISR {} for {} (leader epoch {}, partition epoch {})", nodeId, proposal.newIsr(), tp,
                proposal.leaderEpoch(), proposal.partitionEpoch());
        controller.apply(ControllerMessages.request(ApiKeys.ALTER_PARTITION, request)).whenComplete((bytes, failure) -> {
            if (failure != null) {
                partition.replication().isrChangeRefused(proposal, Errors.REQUEST_TIMED_OUT);
                return;
            }
            AlterPartitionResponseData answer = ControllerMessages.readAnswer(ApiKeys.ALTER_PARTITION, bytes);
            Errors error = Errors.forCode(answer.errorCode());
            if (error == Errors.NONE && !answer.topics().isEmpty() && !answer.topics().get(0).partitions().isEmpty()) {
                AlterPartitionResponseData.PartitionData result = answer.topics().get(0).partitions().get(0);
                error = Errors.forCode(result.errorCode());
                if (error == Errors.NONE) {
                    // Counted even when the partition already took this ISR from the metadata, which may
                    // arrive before the answer: either way the controller committed this proposal.
                    metrics.isrChanged(!result.isr().containsAll(base), !base.containsAll(result.isr()));
                    partition.replication().isrChangeCommitted(proposal, result.partitionEpoch(), result.isr());
                    return;
                }
            }
            partition.replication().isrChangeRefused(proposal, error);
        });
    }
}
