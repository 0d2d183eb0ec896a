package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.DelayedDeleteRecords;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition;
import org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult;
import org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsTopicResult;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.DeleteRecordsRequest;

/**
 * DeleteRecords: on the partition's leader, moves its log start offset up to the requested offset
 * (-1: the high watermark), durably, then answers with the partition's low watermark once that
 * reaches the offset ({@link io.surety.broker.partition.Replication#deleteRecords}). The low
 * watermark is the lowest log start offset over the leader and the replicas on alive (unfenced)
 * brokers, as Kafka's; followers take the leader's log start from their fetch answers and report
 * their own in their next fetch, which completes the wait. On a single node the low watermark is
 * the log start itself, so the answer is immediate.
 *
 * <p>Errors, as Kafka's: NOT_LEADER_OR_FOLLOWER on a node that does not lead the partition (the
 * Admin client refreshes its metadata and retries); REQUEST_TIMED_OUT when the request's
 * {@code timeout_ms} passes before the low watermark gets there (a replica on a broker that stopped
 * holds it back until its session expires and it is fenced; the records stay deleted on the
 * leader); OFFSET_OUT_OF_RANGE for an offset beyond the high watermark, or negative other than -1;
 * POLICY_VIOLATION for a topic whose {@code cleanup.policy} lacks {@code delete} (compact only). An
 * offset at or below the current start deletes nothing.
 *
 * <p>Threading: each waiting partition is timed out by a task on the broker's timer, cancelled when
 * answered; the response is built once every partition of the request has its answer, on the thread
 * that completed the last one. Immutable.
 */
final class DeleteRecordsHandler implements ApiHandler {

    private static final long UNKNOWN = -1L;

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final Clock clock;
    private final ScheduledExecutorService timer;

    /** @param timer where waits for the low watermark are timed out */
    DeleteRecordsHandler(TopicRegistry topics, PartitionRegistry partitions, Clock clock, ScheduledExecutorService timer) {
        this.topics = topics;
        this.partitions = partitions;
        this.clock = clock;
        this.timer = timer;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.DELETE_RECORDS;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        DeleteRecordsRequestData data = ((DeleteRecordsRequest) request.body()).data();
        DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        long nowMs = clock.millis();
        long deadlineMs = nowMs + Math.max(0, data.timeoutMs());
        List<CompletableFuture<Void>> answers = new ArrayList<>();
        for (DeleteRecordsTopic topic : data.topics()) {
            boolean denied = request.access().deniedTopic(topic.name());
            TopicInfo info = denied ? null : topics.get(topic.name());
            DeleteRecordsTopicResult result = new DeleteRecordsTopicResult().setName(topic.name());
            for (DeleteRecordsPartition requested : topic.partitions()) {
                if (denied) {
                    result.partitions().add(new DeleteRecordsPartitionResult().setPartitionIndex(requested.partitionIndex())
                            .setLowWatermark(UNKNOWN).setErrorCode(Errors.TOPIC_AUTHORIZATION_FAILED.code()));
                    continue;
                }
                Partition partition = info == null ? null
                        : partitions.get(new TopicPartition(info.name(), requested.partitionIndex()));
                DeleteRecordsPartitionResult out = new DeleteRecordsPartitionResult()
                        .setPartitionIndex(requested.partitionIndex()).setLowWatermark(UNKNOWN);
                result.partitions().add(out);
                answers.add(delete(partition, requested, out, nowMs, deadlineMs));
            }
            response.topics().add(result);
        }
        // Each answer writes only its own partition's result, which is read once all have completed.
        return CompletableFuture.allOf(answers.toArray(CompletableFuture[]::new))
                .thenApply(done -> new ApiResponse.Send(response));
    }

    private CompletableFuture<Void> delete(Partition partition, DeleteRecordsPartition requested,
            DeleteRecordsPartitionResult out, long nowMs, long deadlineMs) {
        if (partition == null) {
            out.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
            return CompletableFuture.completedFuture(null);
        }
        if (!partition.config().deleteByRetention()) {
            // As Kafka: records of a log whose cleanup.policy lacks delete can not be deleted.
            out.setErrorCode(Errors.POLICY_VIOLATION.code());
            return CompletableFuture.completedFuture(null);
        }
        DelayedDeleteRecords waiter = partition.replication().deleteRecords(requested.offset(), deadlineMs, nowMs);
        if (!waiter.result().isDone()) {
            // The timer measures the delay on a monotonic clock, so when it runs the deadline has come.
            ScheduledFuture<?> expiry = timer.schedule(() -> waiter.expire(waiter.deadlineMs()),
                    Math.max(0, deadlineMs - nowMs), TimeUnit.MILLISECONDS);
            waiter.result().whenComplete((answer, failure) -> expiry.cancel(false));
        }
        return waiter.result().thenAccept(answer -> out.setErrorCode(answer.error().code())
                .setLowWatermark(answer.lowWatermark()));
    }
}
