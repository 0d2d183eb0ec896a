package io.surety.broker.api;

import io.surety.broker.delay.PartitionWatchers;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.FetchableTopicResponse;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * One fetch in progress: reads now, and if fewer than {@code minBytes} are available (and no
 * partition failed or must truncate), waits for a partition to get new data or for the deadline,
 * then reads again. What a read of a partition is, and which event wakes the wait, is the
 * {@link FetchReader}'s: a consumer's or a follower's. The first partition with data returns at
 * least one whole batch, whatever the byte limits (KIP-74).
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
    private final FetchReader reader;
    private final long deadlineMs;
    private final CompletableFuture<ApiResponse> result = new CompletableFuture<>();
    private ScheduledFuture<?> timeout;

    PendingFetch(FetchWaiting waiting, List<FetchTarget> targets, int minBytes, int maxBytes, FetchReader reader,
            long deadlineMs) {
        this.waiting = waiting;
        this.targets = targets;
        this.minBytes = minBytes;
        this.maxBytes = maxBytes <= 0 ? Integer.MAX_VALUE : maxBytes;
        this.reader = reader;
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
                reader.watchers().watch(target.partition().topicPartition(), this);
            }
        }
    }

    private void unwatchAll() {
        for (FetchTarget target : targets) {
            if (target.partition() != null) {
                reader.watchers().unwatch(target.partition().topicPartition(), this);
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
            PartitionData partitionData = reader.read(target, Math.max(0, maxBytes - bytes), bytes == 0);
            bytes += partitionData.records() == null ? 0 : partitionData.records().sizeInBytes();
            failed |= partitionData.errorCode() != Errors.NONE.code() || FetchResponse.isDivergingEpoch(partitionData);
            topic.partitions().add(partitionData);
        }
        FetchResponseData response = new FetchResponseData().setErrorCode(Errors.NONE.code()).setSessionId(0)
                .setResponses(new ArrayList<>(topics.values()));
        return new Read(response, bytes, failed);
    }
}
