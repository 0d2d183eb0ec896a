package io.surety.broker.api;

import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.TopicMetrics;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.DelayedProduce;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.partition.Replication;
import io.surety.broker.partition.TransactionVerifier;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.ProduceResponseData.BatchIndexAndErrorMessage;
import org.apache.kafka.common.message.ProduceResponseData.PartitionProduceResponse;
import org.apache.kafka.common.message.ProduceResponseData.TopicProduceResponse;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.resource.ResourceType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Produce: validates and appends each partition's batch, then answers once the appended data is
 * durable (acks=1, and acks=all on a single node, which is the whole ISR). acks=0 gets no response,
 * but its data is made durable (and so visible) all the same; if any partition failed, the
 * connection is closed instead so the producer refreshes its metadata. Only the partition's leader
 * appends (NOT_LEADER_OR_FOLLOWER elsewhere).
 *
 * <p>On a leader with other replicas, acks=all is refused with NOT_ENOUGH_REPLICAS while the ISR is
 * below {@code min.insync.replicas}; otherwise the answer waits until the high watermark reaches the
 * end of the appended batch ({@link DelayedProduce}): REQUEST_TIMED_OUT when the request's
 * {@code timeout.ms} passes first (a timer task on the broker's timer, cancelled when answered),
 * NOT_ENOUGH_REPLICAS_AFTER_APPEND when the ISR shrank below the minimum meanwhile,
 * NOT_LEADER_OR_FOLLOWER when leadership is lost. Every append on such a leader wakes the
 * followers' fetches waiting for data.
 *
 * <p>Per batch: one CRC pass, one pass over the record headers (keys and values skipped) and a
 * header rewrite. A transactional batch that would open its producer's transaction in a
 * partition is first checked against the transaction coordinator's published state (KIP-890 part
 * 1): the transaction must include the partition. Produce v12+ (transaction version 2, where
 * producing adds the partition implicitly) is never chosen by clients, since the feature is not
 * advertised.
 */
final class ProduceHandler implements ApiHandler {

    /** Produce v11+ clients understand TRANSACTION_ABORTABLE (KIP-890). */
    private static final short FIRST_ABORTABLE_VERSION = 11;
    private static final Logger LOG = LoggerFactory.getLogger(ProduceHandler.class);

    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final GroupCommitFlusher flusher;
    private final TopicMetrics topicMetrics;
    private final TransactionVerifier verifier;
    private final Clock clock;
    private final ScheduledExecutorService timer;
    private final ReplicaServing replicas;
    private final Optional<RemoteVerification> remoteVerification;

    /**
     * Cluster mode with verification on: where the coordinator runs, and the appends that wait for
     * its answer when that is another node.
     *
     * @param view    the cluster, which names the coordinator ({@link ClusterView#coordinatorId})
     * @param appends the appends verified with a remote coordinator
     */
    record RemoteVerification(ClusterView view, RemotelyVerifiedAppends appends) {

        /** The coordinator's node when it is not this one; {@link ClusterDescription#NO_NODE} when it is. */
        int coordinatorElsewhere() {
            OptionalInt coordinator = view.coordinatorId();
            if (coordinator.isEmpty()) {
                return UNKNOWN_COORDINATOR;
            }
            return coordinator.getAsInt() == view.nodeId() ? ClusterDescription.NO_NODE : coordinator.getAsInt();
        }
    }

    /** A coordinator to ask while the coordinator group has no leader: the question fails, and the producer retries. */
    static final int UNKNOWN_COORDINATOR = -2;

    /** A handler for partitions without other replicas (tests of the single-node path). */
    ProduceHandler(TopicRegistry topics, PartitionRegistry partitions, GroupCommitFlusher flusher,
            TopicMetrics topicMetrics, TransactionVerifier verifier, Clock clock) {
        this(topics, partitions, flusher, topicMetrics, verifier, clock, null, ReplicaServing.singleNode(),
                Optional.empty());
    }

    /**
     * @param timer    where acks=all waits on replicated leaders are timed out
     * @param replicas the watchers of followers' fetches, woken by appends on replicated leaders
     * @param remoteVerification present in cluster mode with verification on: while the coordinator
     *     runs elsewhere, a batch opening a transaction here is verified by it, and {@code verifier}
     *     (this node's coordinator) is used only while it runs here
     */
    ProduceHandler(TopicRegistry topics, PartitionRegistry partitions, GroupCommitFlusher flusher,
            TopicMetrics topicMetrics, TransactionVerifier verifier, Clock clock, ScheduledExecutorService timer,
            ReplicaServing replicas, Optional<RemoteVerification> remoteVerification) {
        this.topics = topics;
        this.partitions = partitions;
        this.flusher = flusher;
        this.topicMetrics = topicMetrics;
        this.verifier = verifier;
        this.clock = clock;
        this.timer = timer;
        this.replicas = replicas;
        this.remoteVerification = remoteVerification;
    }

    @Override
    public ApiKeys apiKey() {
        return ApiKeys.PRODUCE;
    }

    @Override
    public CompletableFuture<ApiResponse> handle(ApiRequest request) {
        ProduceRequestData data = ((ProduceRequest) request.body()).data();
        short acks = data.acks();
        if (acks != 0 && acks != 1 && acks != -1) {
            return CompletableFuture.completedFuture(new ApiResponse.Send(allFailed(data, Errors.INVALID_REQUIRED_ACKS,
                    "acks must be -1, 0 or 1, not " + acks)));
        }
        long nowMs = clock.millis();
        ProduceResponseData response = new ProduceResponseData();
        List<CompletableFuture<Void>> durable = new ArrayList<>();
        boolean anyFailed = false;
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            TopicInfo topic = topicData.name() == null || topicData.name().isEmpty()
                    ? topics.get(topicData.topicId()) : topics.get(topicData.name());
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topicData.name())
                    .setTopicId(topicData.topicId());
            boolean denied = denied(request.access(), topicData, topic);
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                PartitionProduceResponse result = denied ? failed(partitionData, Errors.TOPIC_AUTHORIZATION_FAILED)
                        : appendOne(topic, topicData, partitionData, nowMs, acks,
                        request.version(), nowMs + Math.max(0, data.timeoutMs()), data.transactionalId(), durable);
                anyFailed |= result.errorCode() != Errors.NONE.code();
                topicResponse.partitionResponses().add(result);
            }
            response.responses().add(topicResponse);
        }
        if (acks == 0) {
            return CompletableFuture.completedFuture(anyFailed
                    ? new ApiResponse.Close("a produce request with acks=0 failed; closing so the producer refreshes metadata")
                    : ApiResponse.SILENT);
        }
        return CompletableFuture.allOf(durable.toArray(CompletableFuture[]::new))
                .handle((ok, error) -> error == null ? new ApiResponse.Send(response)
                        : new ApiResponse.Send(storageFailed(response, error)));
    }

    /**
     * Whether the requester may not WRITE to the topic: as its rule decided for a named topic,
     * asked here for one named by id (its name is known only now; an unknown id stays unknown).
     */
    private static boolean denied(Access access, ProduceRequestData.TopicProduceData topicData, TopicInfo topic) {
        if (!isEmpty(topicData.name())) {
            return access.deniedTopic(topicData.name());
        }
        return topic != null && !access.allows(AclOperation.WRITE, ResourceType.TOPIC, topic.name());
    }

    private static PartitionProduceResponse failed(ProduceRequestData.PartitionProduceData partitionData, Errors error) {
        return new PartitionProduceResponse().setIndex(partitionData.index()).setBaseOffset(-1).setLogAppendTimeMs(-1)
                .setLogStartOffset(-1).setErrorCode(error.code()).setErrorMessage(error.message());
    }

    private PartitionProduceResponse appendOne(TopicInfo topic, ProduceRequestData.TopicProduceData topicData,
            ProduceRequestData.PartitionProduceData partitionData, long nowMs, short acks, short version,
            long deadlineMs, String transactionalId, List<CompletableFuture<Void>> durable) {
        PartitionProduceResponse out = new PartitionProduceResponse().setIndex(partitionData.index())
                .setBaseOffset(-1).setLogAppendTimeMs(-1).setLogStartOffset(-1);
        Partition partition = topic == null ? null
                : partitions.get(new TopicPartition(topic.name(), partitionData.index()));
        if (partition == null) {
            Errors error = topic == null && !Uuid.ZERO_UUID.equals(topicData.topicId()) && isEmpty(topicData.name())
                    ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
            return out.setErrorCode(error.code()).setErrorMessage(error.message());
        }
        ProducedBatch batch;
        try {
            batch = ProducedBatch.parse(partitionData.records(),
                    partition.config().compact() ? partition.topicPartition().toString() : null);
        } catch (InvalidBatchException e) {
            Errors error = switch (e.reason()) {
                case CORRUPT -> Errors.CORRUPT_MESSAGE;
                case INVALID_RECORD -> Errors.INVALID_RECORD;
                case INVALID_TIMESTAMP -> Errors.INVALID_TIMESTAMP;
            };
            for (InvalidBatchException.RecordError recordError : e.recordErrors()) {
                out.recordErrors().add(new BatchIndexAndErrorMessage().setBatchIndex(recordError.batchIndex())
                        .setBatchIndexErrorMessage(recordError.message()));
            }
            if (!e.recordErrors().isEmpty()) {
                LOG.info("Refused a batch for {}: {}", partition.topicPartition(), e.getMessage());
            }
            return out.setErrorCode(error.code()).setErrorMessage(e.getMessage());
        }
        if (batch.isTransactional() && !batch.hasProducerId()) {
            return out.setErrorCode(Errors.INVALID_RECORD.code())
                    .setErrorMessage("A transactional batch must carry a producer id");
        }
        boolean abortableErrors = version >= FIRST_ABORTABLE_VERSION;
        int coordinator = remoteVerification.map(RemoteVerification::coordinatorElsewhere).orElse(ClusterDescription.NO_NODE);
        if (batch.isTransactional() && coordinator != ClusterDescription.NO_NODE
                && remoteVerification.get().appends().needsVerification(partition, batch.producerId())) {
            durable.add(remoteVerification.get().appends().append(partition, batch, transactionalId, coordinator, nowMs,
                    abortableErrors, acks == -1).thenCompose(outcome -> {
                        List<CompletableFuture<Void>> waits = new ArrayList<>();
                        appended(topic, partition, batch, outcome, nowMs, acks, deadlineMs, out, waits);
                        return CompletableFuture.allOf(waits.toArray(CompletableFuture[]::new));
                    }));
            return out;
        }
        AppendOutcome outcome = partition.append(batch, nowMs, coordinator == ClusterDescription.NO_NODE ? verifier
                : RemotelyVerifiedAppends.RETRY, abortableErrors, acks == -1);
        return appended(topic, partition, batch, outcome, nowMs, acks, deadlineMs, out, durable);
    }

    /** What follows an append: the answer's fields, and the waits for durability and replication. */
    private PartitionProduceResponse appended(TopicInfo topic, Partition partition, ProducedBatch batch,
            AppendOutcome outcome, long nowMs, short acks, long deadlineMs, PartitionProduceResponse out,
            List<CompletableFuture<Void>> durable) {
        if (outcome.error() != Errors.NONE) {
            return out.setErrorCode(outcome.error().code()).setErrorMessage(outcome.message());
        }
        topicMetrics.appended(topic.name(), batch.sizeInBytes(), batch.recordCount());
        // Every append asks for an fsync, acks=0 included: under flush.policy=fsync the high
        // watermark moves only when the flusher forces the data, so nothing else would publish it.
        CompletableFuture<Void> madeDurable = flusher.awaitDurable(partition, outcome.endOffset());
        out.setBaseOffset(outcome.baseOffset()).setLogAppendTimeMs(outcome.logAppendTimeMs())
                .setLogStartOffset(outcome.logStartOffset());
        Replication replication = partition.replication();
        boolean replicated = replication.waitsForReplicas() || !replication.isLeader();
        if (replicated) {
            replicas.logEndWatchers().wake(partition.topicPartition());
        }
        if (acks == -1 && replicated) {
            durable.add(madeDurable.thenCombine(awaitReplication(replication, outcome.endOffset(), nowMs, deadlineMs, out),
                    (flushed, replicatedToIsr) -> null));
        } else if (acks != 0) {
            durable.add(madeDurable);
        }
        return out;
    }

    /**
     * The acks=all wait of a replicated leader for its high watermark to reach {@code endOffset},
     * timed out at {@code deadlineMs} by a task on the broker's timer. Completes when answered; an
     * error is written into {@code out} (which is read only after every wait of the request ends).
     */
    private CompletableFuture<Void> awaitReplication(Replication replication, long endOffset, long nowMs, long deadlineMs,
            PartitionProduceResponse out) {
        DelayedProduce waiter = replication.awaitReplication(endOffset, deadlineMs);
        if (!waiter.result().isDone()) {
            // The timer measures the delay on a monotonic clock, so when it runs the deadline has come.
            ScheduledFuture<?> expiry = timer.schedule(() -> waiter.expire(waiter.deadlineMs()),
                    Math.max(0, deadlineMs - nowMs), TimeUnit.MILLISECONDS);
            waiter.result().whenComplete((error, failure) -> expiry.cancel(false));
        }
        return waiter.result().thenAccept(error -> {
            if (error != Errors.NONE) {
                out.setErrorCode(error.code()).setErrorMessage(error.message()).setBaseOffset(-1).setLogAppendTimeMs(-1);
            }
        });
    }

    private static boolean isEmpty(String name) {
        return name == null || name.isEmpty();
    }

    private static ProduceResponseData allFailed(ProduceRequestData data, Errors error, String message) {
        ProduceResponseData response = new ProduceResponseData();
        for (ProduceRequestData.TopicProduceData topicData : data.topicData()) {
            TopicProduceResponse topicResponse = new TopicProduceResponse().setName(topicData.name())
                    .setTopicId(topicData.topicId());
            for (ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData()) {
                topicResponse.partitionResponses().add(new PartitionProduceResponse().setIndex(partitionData.index())
                        .setErrorCode(error.code()).setErrorMessage(message).setBaseOffset(-1));
            }
            response.responses().add(topicResponse);
        }
        return response;
    }

    /** An fsync failed after the append: nothing in this request may be acknowledged. */
    private static ProduceResponseData storageFailed(ProduceResponseData response, Throwable error) {
        for (TopicProduceResponse topic : response.responses()) {
            for (PartitionProduceResponse partition : topic.partitionResponses()) {
                if (partition.errorCode() == Errors.NONE.code()) {
                    partition.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code()).setBaseOffset(-1)
                            .setErrorMessage("Data could not be made durable: " + error.getMessage());
                }
            }
        }
        return response;
    }
}
