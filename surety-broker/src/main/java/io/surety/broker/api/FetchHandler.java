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
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Fetch: reads each requested partition from its offset, within the partition and response byte
 * limits, and sends the bytes straight from the segment files. When less than {@code min_bytes} is
 * available it waits, up to {@code max_wait_ms}, for new data ({@link PendingFetch}).
 *
 * <p>Two kinds of fetch: a consumer's, served by the leader up to the high watermark
 * ({@link ConsumerFetchReader}), and a follower's, which names its broker id (from Fetch v15 in the
 * tagged {@code ReplicaState} with its broker epoch, before that in {@code ReplicaId}) and is read up
 * to the log end, moving the follower's position and with it the high watermark
 * ({@link ReplicaFetchReader}). A follower's fetch is not counted in the topics' bytes out.
 *
 * <p>Fetch sessions (KIP-227) are declined: every response carries session id 0, so clients send
 * full fetch requests, which Kafka clients support.
 */
final class FetchHandler implements ApiHandler {

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final TopicMetrics topicMetrics;
    /** Fetch v15 moved the follower's id into the tagged ReplicaState, with its broker epoch (KIP-903). */
    private static final short FIRST_REPLICA_STATE_VERSION = 15;

    private final FetchWaiting waiting;
    private final ReplicaServing replicas;

    /** A handler whose followers' fetches, if any, go nowhere (tests of the consumer path). */
    FetchHandler(TopicRegistry topics, PartitionRegistry partitions, TopicMetrics topicMetrics, FetchWaiting waiting) {
        this(topics, partitions, topicMetrics, waiting, ReplicaServing.singleNode());
    }

    FetchHandler(TopicRegistry topics, PartitionRegistry partitions, TopicMetrics topicMetrics, FetchWaiting waiting,
            ReplicaServing replicas) {
        this.topics = topics;
        this.partitions = partitions;
        this.topicMetrics = topicMetrics;
        this.waiting = waiting;
        this.replicas = replicas;
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
            // READ is asked once the name is known (an unknown id has none: UNKNOWN_TOPIC_ID, as in Kafka).
            String name = info != null ? info.name() : topic.topic();
            boolean denied = name != null && !name.isEmpty()
                    && !request.access().allows(AclOperation.READ, ResourceType.TOPIC, name);
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                Partition found = info == null || denied ? null
                        : partitions.get(new TopicPartition(info.name(), partition.partition()));
                targets.add(new FetchTarget(topic.topic(), topic.topicId(), found, partition, denied));
            }
        }
        int replicaId = FetchRequest.replicaId(data);
        long deadlineMs = waiting.clock().millis() + Math.max(0, data.maxWaitMs());
        if (replicaId >= 0) {
            long replicaEpoch = request.version() >= FIRST_REPLICA_STATE_VERSION ? data.replicaState().replicaEpoch() : -1;
            return new PendingFetch(waiting, targets, data.minBytes(), data.maxBytes(),
                    new ReplicaFetchReader(replicaId, replicaEpoch, replicas), deadlineMs).start();
        }
        boolean readCommitted = request.version() >= 4 && data.isolationLevel() == 1;
        PendingFetch pending = new PendingFetch(waiting, targets, data.minBytes(), data.maxBytes(),
                new ConsumerFetchReader(readCommitted, waiting.watchers()), deadlineMs);
        return pending.start().thenApply(this::countBytesOut);
    }
}
