package io.surety.broker.coordinator;

import io.surety.broker.config.GroupConfig;
import io.surety.broker.coordinator.CoordinatorRecord.TxnOffsetStaged;
import org.apache.kafka.common.message.TxnOffsetCommitRequestData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponsePartition;
import org.apache.kafka.common.message.TxnOffsetCommitResponseData.TxnOffsetCommitResponseTopic;
import org.apache.kafka.common.protocol.Errors;

/**
 * TxnOffsetCommit: offsets committed inside a transaction are staged ({@link TxnOffsetStaged})
 * and become the group's committed offsets only when the transaction commits. Checked first
 * against the transaction (the producer must own it, at its current epoch, and have added the
 * group with AddOffsetsToTxn), then against the group as Kafka does for transactional commits
 * (generation and member id when given: a consumer that lost its partitions in a rebalance cannot
 * commit for them). Runs on the coordinator thread only.
 */
final class TxnOffsetStateMachine {

    /** TxnOffsetCommit v4+ clients understand TRANSACTION_ABORTABLE. */
    private static final short FIRST_ABORTABLE_VERSION = 4;

    private final GroupStateMachine groups;
    private final TransactionStateMachine transactions;
    private final GroupConfig config;

    TxnOffsetStateMachine(GroupStateMachine groups, TransactionStateMachine transactions, GroupConfig config) {
        this.groups = groups;
        this.transactions = transactions;
        this.config = config;
    }

    TxnOffsetCommitResponseData commit(OperationContext ctx, TxnOffsetCommitRequestData request, short version) {
        Errors error;
        if (request.groupId() == null || request.groupId().isEmpty()) {
            error = Errors.INVALID_GROUP_ID;
        } else {
            error = transactions.checkOffsetCommit(request.transactionalId(), request.producerId(),
                    request.producerEpoch(), request.groupId(), version >= FIRST_ABORTABLE_VERSION);
            if (error == Errors.NONE) {
                error = OffsetCommitCheck.txnOffsetCommit(groups.group(request.groupId()), request.generationId(),
                        request.memberId(), request.groupInstanceId());
            }
        }
        TxnOffsetCommitResponseData response = new TxnOffsetCommitResponseData();
        for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestTopic topic : request.topics()) {
            TxnOffsetCommitResponseTopic out = new TxnOffsetCommitResponseTopic().setName(topic.name());
            TopicView.Topic known = groups.topics().byName(topic.name());
            for (TxnOffsetCommitRequestData.TxnOffsetCommitRequestPartition p : topic.partitions()) {
                Errors partitionError = error;
                if (partitionError == Errors.NONE) {
                    if (known == null || p.partitionIndex() < 0 || p.partitionIndex() >= known.partitionCount()) {
                        partitionError = Errors.UNKNOWN_TOPIC_OR_PARTITION;
                    } else if (p.committedMetadata() != null
                            && p.committedMetadata().length() > config.offsetMetadataMaxBytes()) {
                        partitionError = Errors.OFFSET_METADATA_TOO_LARGE;
                    } else {
                        ctx.write(new TxnOffsetStaged(request.groupId(), request.producerId(), topic.name(),
                                p.partitionIndex(), p.committedOffset(), p.committedLeaderEpoch(),
                                p.committedMetadata() == null ? "" : p.committedMetadata(), ctx.nowMs()));
                    }
                }
                out.partitions().add(new TxnOffsetCommitResponsePartition().setPartitionIndex(p.partitionIndex())
                        .setErrorCode(partitionError.code()));
            }
            response.topics().add(out);
        }
        return response;
    }
}
