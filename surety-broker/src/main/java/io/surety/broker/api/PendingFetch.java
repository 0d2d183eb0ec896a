package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.partition.Partition;
import io.surety.broker.producer.AbortedTransactions;
import io.surety.broker.record.FileSliceRecords;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

/**
 * One fetch in progress: reads now, and if fewer than {@code minBytes} are available (and nothing
 * failed), waits for a partition to get new data or for the deadline, then reads again.
 *
 * <p>A read_committed fetch reads only below the partition's last stable offset and reports the
 * aborted transactions that start below the end of what it returns and end at or after the fetch
 * offset; the consumer drops those producers' batches until it meets their abort markers.
 *
 * <p>Threading: reads run on the handler pool; wake-ups come from appends or the flusher and the
 * timeout from the timer, each handing the re-read to the pool. {@link #attempt} is synchronized
 * and completes the future at most once.
 */
final class PendingFetch implements PartitionWatchers.Watcher {

    private final FetchWaiting waiting;
    private final List<FetchTarget> targets;
    private final int minBytes;
    private final int maxBytes;
    private final boolean readCommitted;
    private final short version;
    private final long deadlineMs;
    private final CompletableFuture<ApiResponse> result = new CompletableFuture<>();
    private ScheduledFuture<?> timeout;

    PendingFetch(FetchWaiting waiting, List<FetchTarget> targets, int minBytes, int maxBytes, boolean readCommitted,
            short version, long deadlineMs) {
        this.waiting = waiting;
        this.targets = targets;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes <= 0 ? Integer.MAX_VALUE : maxBytes;
        this.readCommitted = readCommitted;
        this.version = version;
        this.deadlineMs = deadlineMs;
    }

    CompletableFuture<ApiResponse> start() {
        attempt(false);
        return result;
    }

    @Override
    public void wake() {
        waiting.handlerPool().execute(() -> attempt(false));
    }

    private synchronized void attempt(boolean timedOut) {
        if (result.isDone()) {
            return;
        }
        boolean mayWait = !timedOut && waiting.clock().millis() < deadlineMs;
        if (mayWait) {
            watchAll();
        }
        Read read = readAll();
        if (!mayWait || read.bytes >= minBytes || read.failed) {
            unwatchAll();
            if (timeout != null) {
                timeout.cancel(false);
            }
            result.complete(new ApiResponse.Send(read.response));
        } else if (timeout == null) {
            long delayMs = Math.max(0, deadlineMs - waiting.clock().millis());
            timeout = waiting.timer().schedule(() -> waiting.handlerPool().execute(() -> attempt(true)),
                    delayMs, TimeUnit.MILLISECONDS);
        }
    }

    private void watchAll() {
        for (FetchTarget target : targets) {
            if (target.partition() != null) {
                waiting.watchers().watch(target.partition().topicPartition(), this);
            }
        }
    }

    private void unwatchAll() {
        for (FetchTarget target : targets) {
            if (target.partition() != null) {
                waiting.watchers().unwatch(target.partition().topicPartition(), this);
            }
        }
    }

    private record Read(FetchResponseData response, int bytes, boolean failed) {
    }

    private Read readAll() {
        Map<String, FetchableTopicResponse> topics = new LinkedHashMap<>();
        int bytes = 0;
        boolean failed = false;
        for (FetchTarget target : targets) {
            String key = target.topicName() + "/" + target.topicId();
            FetchableTopicResponse topic = topics.computeIfAbsent(key, k -> new FetchableTopicResponse()
                    .setTopic(target.topicName()).setTopicId(target.topicId()));
            PartitionData partitionData = readOne(target, Math.max(0, maxBytes - bytes), bytes == 0);
            bytes += partitionData.records() == null ? 0 : partitionData.records().sizeInBytes();
            failed |= partitionData.errorCode() != Errors.NONE.code();
            topic.partitions().add(partitionData);
        }
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0)
                .setResponses(new ArrayList<>(topics.values()));
        return new Read(response, bytes, failed);
    }

    private PartitionData readOne(FetchTarget target, int bytesLeft, boolean firstWithData) {
        PartitionData out = new PartitionData().setPartitionIndex(target.request().partition())
                .setHighWatermark(-1).setLastStableOffset(-1).setLogStartOffset(-1)
                .setRecords(MemoryRecords.EMPTY);
        Partition partition = target.partition();
        if (partition == null) {
            boolean byId = (target.topicName() == null || target.topicName().isEmpty())
                    && !Uuid.ZERO_UUID.equals(target.topicId());
            return out.setErrorCode((byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION).code());
        }
        Errors fenced = LeaderEpochCheck.check(target.request().currentLeaderEpoch(), partition);
        if (fenced != Errors.NONE) {
            return out.setErrorCode(fenced.code());
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
}
