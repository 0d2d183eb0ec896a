package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.partition.Partition;
import io.surety.broker.producer.AbortedTransactions;
import io.surety.broker.record.FileSliceRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * A consumer's read of one partition: only on the leader (NOT_LEADER_OR_FOLLOWER elsewhere;
 * fetching from a follower, KIP-392, is not served), after Kafka's check of the client's current
 * leader epoch, and never past the high watermark. A read_committed fetch reads only below the
 * last stable offset and reports the aborted transactions that start below the end of what it
 * returns and end at or after the fetch offset; the consumer drops those producers' batches
 * until it meets their abort markers. Waits are woken when the high watermark moves. Immutable.
 */
final class ConsumerFetchReader implements FetchReader {

    private final boolean readCommitted;
    private final PartitionWatchers highWatermarkWatchers;

    ConsumerFetchReader(boolean readCommitted, PartitionWatchers highWatermarkWatchers) {
        this.readCommitted = readCommitted;
        this.highWatermarkWatchers = highWatermarkWatchers;
    }

    @Override
    public PartitionWatchers watchers() {
        return highWatermarkWatchers;
    }

    @Override
    public PartitionData read(FetchTarget target, int bytesLeft, boolean firstWithData) {
        PartitionData out = emptyAnswer(target);
        Partition partition = target.partition();
        if (partition == null) {
            return out.setErrorCode(unknown(target).code());
        }
        if (partition.isOffline()) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        Errors fenced = LeaderEpochCheck.check(target.request().currentLeaderEpoch(), partition);
        if (fenced != Errors.NONE) {
            return out.setErrorCode(fenced.code());
        }
        if (!partition.replication().isLeader()) {
            return out.setErrorCode(Errors.NOT_LEADER_OR_FOLLOWER.code());
        }
        int limit = Math.min(bytesLeft, target.request().partitionMaxBytes());
        try {
            long fetchOffset = target.request().fetchOffset();
            long lastStableOffset = partition.lastStableOffset();
            Partition.CommittedRead committed = readCommitted
                    ? partition.readCommitted(fetchOffset, limit, firstWithData, lastStableOffset) : null;
            ReadResult read = committed != null ? committed.read() : partition.read(fetchOffset, limit, firstWithData);
            out.setHighWatermark(read.highWatermark()).setLastStableOffset(Math.min(lastStableOffset, read.highWatermark()))
                    .setLogStartOffset(read.logStartOffset());
            if (committed != null) {
                List<FetchResponseData.AbortedTransaction> aborted = new ArrayList<>();
                for (AbortedTransactions.Entry entry : committed.abortedTransactions()) {
                    aborted.add(new FetchResponseData.AbortedTransaction().setProducerId(entry.producerId())
                            .setFirstOffset(entry.firstOffset()));
                }
                out.setAbortedTransactions(aborted);
            }
            if (read.slice() != null) {
                out.setRecords(new FileSliceRecords(read.slice()));
            }
            return out.setErrorCode(Errors.NONE.code());
        } catch (OffsetOutOfRangeException e) {
            return out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code()).setHighWatermark(partition.highWatermark())
                    .setLogStartOffset(partition.logStartOffset());
        } catch (IOException e) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
    }

    /** A partition's answer with no data and unknown offsets, to be filled in. */
    static PartitionData emptyAnswer(FetchTarget target) {
        return new PartitionData().setPartitionIndex(target.request().partition())
                .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
                .setRecords(MemoryRecords.EMPTY);
    }

    /** The error for a partition this node does not host: by topic id or by name, as the fetch named it. */
    static Errors unknown(FetchTarget target) {
        if (target.denied()) {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        boolean byId = (target.topicName() == null || target.topicName().isEmpty())
                && !Uuid.ZERO_UUID.equals(target.topicId());
        return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
    }
}
