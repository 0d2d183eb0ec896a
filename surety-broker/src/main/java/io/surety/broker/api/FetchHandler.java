package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.TopicMetrics;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;

/**
 * Fetch: reads each requested partition from its offset up to the high watermark, within the
 * partition and response byte limits, and sends the bytes straight from the segment files. When
 * less than {@code min_bytes} is available it waits, up to {@code max_wait_ms}, for new data
 * ({@link PendingFetch}).
 *
 * <p>Fetch sessions (KIP-227) are declined: every response carries session id 0, so clients send
 * full fetch requests, which Kafka clients support.
 */
final class FetchHandler implements ApiHandler {

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final TopicMetrics topicMetrics;
    private final FetchWaiting waiting;

    FetchHandler(TopicRegistry topics, PartitionRegistry partitions, TopicMetrics topicMetrics, FetchWaiting waiting) {
        this.topics = topics;
        this.partitions = partitions;
        this.topicMetrics = topicMetrics;
        this.waiting = waiting;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.FETCH;
    }

    private ApiResponse countBytesOut(ApiResponse response) {
        if (response instanceof ApiResponse.Send send && send.body() instanceof FetchResponseData data) {
            topicMetrics.fetched(data, id -> {
                TopicInfo topic = topics.get(id);
                return topic == null ? null : topic.name();
            });
        }
        return response;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        FetchRequestData data = ((FetchRequest) request.body()).data();
        if (data.sessionId() != 0) {
            FetchResponseData response = new FetchResponseData().setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code())
                    .setSessionId(0);
            return CompletableFuture.completedFuture(new ApiResponse.Send(response));
        }
        List<FetchTarget> targets = new ArrayList<>();
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            TopicInfo info = topic.topic() == null || topic.topic().isEmpty()
                    ? topics.get(topic.topicId()) : topics.get(topic.topic());
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                Partition found = info == null ? null
                        : partitions.get(new TopicPartition(info.name(), partition.partition()));
                targets.add(new FetchTarget(topic.topic(), topic.topicId(), found, partition));
            }
        }
        boolean readCommitted = request.version() >= 4 && data.isolationLevel() == 1;
        PendingFetch pending = new PendingFetch(waiting, targets, data.minBytes(), data.maxBytes(), readCommitted,
                request.version(), waiting.clock().millis() + Math.max(0, data.maxWaitMs()));
        return pending.start().thenApply(this::countBytesOut);
    }
}
