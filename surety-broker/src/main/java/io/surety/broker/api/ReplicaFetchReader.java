package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.ReplicaFetchCheck;
import io.surety.broker.partition.Replication;
import io.surety.broker.record.FileSliceRecords;
import java.io.IOException;
import org.apache.kafka.common.message.FetchRequestData.FetchPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;

/**
 * The leader's read of one partition for a follower's fetch (Kafka's {@code Partition.fetchRecords}
 * for a follower):
 * <ol>
 * <li>{@link Replication#checkReplicaFetch}: the follower's current leader epoch, whether this node
 *     leads and the follower is a replica, and, from its last fetched epoch, whether its log
 *     diverged (answered as DivergingEpoch with no records) or its offset is out of range;</li>
 * <li>a read up to the log end, not the high watermark;</li>
 * <li>{@link Replication#updateFollowerFetchState}: the fetch offset is how far the follower's log
 *     reaches, which may move the high watermark (waking consumers and acks=all waiters) and may
 *     produce an ISR proposal, handed to the {@link io.surety.broker.partition.IsrChangeSink}; its
 *     LogStartOffset is where the follower's log starts, which may move the low watermark
 *     (answering DeleteRecords waiters).</li>
 * </ol>
 * The answer carries the high watermark as it is after that update, the log start offset and the
 * last stable offset. A waiting follower fetch is woken when the log end moves. Immutable; one per
 * fetch request.
 *
 * <p>Implementation notes: a fetch that waits is read again when woken or at its deadline, and
 * each read records the follower's position again, as Kafka does; the offset is the same, and the
 * time of the later read is when the follower was last known to be there. A read that loses
 * leadership between its check and its update answers the update's error and drops the records.
 */
final class ReplicaFetchReader implements FetchReader {

    private final int replicaId;
    private final long replicaEpoch;
    private final ReplicaServing serving;

    ReplicaFetchReader(int replicaId, long replicaEpoch, ReplicaServing serving) {
        this.replicaId = replicaId;
        this.replicaEpoch = replicaEpoch;
        this.serving = serving;
    }

    @Override
    public PartitionWatchers watchers() {
        return serving.logEndWatchers();
    }

    @Override
    public PartitionData read(FetchTarget target, int bytesLeft, boolean firstWithData) {
        PartitionData out = ConsumerFetchReader.emptyAnswer(target);
        Partition partition = target.partition();
        if (partition == null) {
            return out.setErrorCode(ConsumerFetchReader.unknown(target).code());
        }
        FetchPartition request = target.request();
        Replication replication = partition.replication();
        ReplicaFetchCheck check = replication.checkReplicaFetch(replicaId, request.currentLeaderEpoch(),
                request.lastFetchedEpoch(), request.fetchOffset());
        if (check instanceof ReplicaFetchCheck.Refused refused) {
            out.setErrorCode(refused.error().code());
            return refused.error() == Errors.OFFSET_OUT_OF_RANGE ? withBounds(out, partition) : out;
        }
        if (check instanceof ReplicaFetchCheck.Diverging diverging) {
            out.setDivergingEpoch(new FetchResponseData.EpochEndOffset().setEpoch(diverging.epoch())
                    .setEndOffset(diverging.endOffset()));
            return withBounds(out, partition).setErrorCode(Errors.NONE.code());
        }
        long fetchOffset = ((ReplicaFetchCheck.ReadFrom) check).fetchOffset();
        int limit = Math.min(bytesLeft, request.partitionMaxBytes());
        ReadResult read;
        try {
            read = replication.readForReplica(fetchOffset, limit, firstWithData);
        } catch (OffsetOutOfRangeException e) {
            return withBounds(out.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code()), partition);
        } catch (IOException e) {
            return out.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
        }
        Replication.FollowerFetchUpdate update = replication.updateFollowerFetchState(replicaId, replicaEpoch, fetchOffset,
                request.logStartOffset(), serving.monotonicMs().getAsLong());
        if (update.error() != Errors.NONE) {
            return out.setErrorCode(update.error().code());
        }
        update.isrChange().ifPresent(proposal -> serving.isrChanges().propose(partition, proposal));
        if (read.slice() != null) {
            out.setRecords(new FileSliceRecords(read.slice()));
        }
        return withBounds(out, partition).setErrorCode(Errors.NONE.code());
    }

    private static PartitionData withBounds(PartitionData out, Partition partition) {
        long highWatermark = partition.highWatermark();
        return out.setHighWatermark(highWatermark).setLogStartOffset(partition.logStartOffset())
                .setLastStableOffset(Math.min(partition.lastStableOffset(), highWatermark));
    }
}
