package io.surety.broker.node;

import io.surety.broker.api.CoordinatorVerification;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.replication.BrokerEndpoint;
import io.surety.broker.replication.PeerRequests;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopic;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTopicCollection;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransaction;
import org.apache.kafka.common.message.AddPartitionsToTxnRequestData.AddPartitionsToTxnTransactionCollection;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AddPartitionsToTxnRequest;
import org.apache.kafka.common.requests.AddPartitionsToTxnResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the transaction coordinator on another node whether a transaction includes a partition:
 * AddPartitionsToTxn v4+ with {@code verifyOnly}, to the coordinator's inter-broker listener as the
 * committed metadata gives it. Every failure to get an answer (no endpoint, a lost connection, no
 * answer within {@link #REQUEST_TIMEOUT_MS}, an error for the whole request) answers
 * NOT_ENOUGH_REPLICAS, which the producer retries. Thread-safe.
 *
 * <p>Implementation notes: one request per question, as a partition asks only for the first batch
 * of each transaction; Kafka batches the questions of many producers per coordinator, which can
 * come when it shows in the numbers.
 */
public final class RemoteCoordinatorVerification implements CoordinatorVerification {

    /** How long a question may go unanswered before the batch is refused (and retried by its producer). */
    static final long REQUEST_TIMEOUT_MS = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(RemoteCoordinatorVerification.class);

    private final String interBrokerListener;
    private final Supplier<ClusterImage> image;
    private final PeerRequests peers;

    /**
     * @param peers connections apart from the followers' fetches (a leader answers one connection's
     *     requests in order)
     */
    public RemoteCoordinatorVerification(String interBrokerListener, Supplier<ClusterImage> image, PeerRequests peers) {
        this.interBrokerListener = interBrokerListener;
        this.image = image;
        this.peers = peers;
    }

    @Override
    public CompletableFuture<Errors> verify(int coordinatorId, String transactionalId, long producerId,
            short producerEpoch, TopicPartition partition) {
        Optional<BrokerEndpoint> coordinator = MarkerRoutes.endpointOf(image.get(), coordinatorId, interBrokerListener);
        if (coordinator.isEmpty()) {
            return CompletableFuture.completedFuture(Errors.NOT_ENOUGH_REPLICAS);
        }
        AddPartitionsToTxnTopicCollection topics = new AddPartitionsToTxnTopicCollection();
        topics.add(new AddPartitionsToTxnTopic().setName(partition.topic())
                .setPartitions(new ArrayList<>(List.of(partition.partition()))));
        AddPartitionsToTxnTransactionCollection transactions = new AddPartitionsToTxnTransactionCollection();
        transactions.add(new AddPartitionsToTxnTransaction().setTransactionalId(transactionalId)
                .setProducerId(producerId).setProducerEpoch(producerEpoch).setVerifyOnly(true).setTopics(topics));
        try {
            return peers.send(coordinator.get(), AddPartitionsToTxnRequest.Builder.forBroker(transactions))
                    .orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)
                    .handle((response, failure) -> {
                        if (failure != null || !(response instanceof AddPartitionsToTxnResponse answer)) {
                            LOG.info("Could not verify the transaction of {} for {} with {}: {}", transactionalId,
                                    partition, coordinator.get(), failure == null ? response : failure.toString());
                            return Errors.NOT_ENOUGH_REPLICAS;
                        }
                        return answerFor(answer, transactionalId, partition);
                    });
        } catch (RuntimeException e) {
            LOG.warn("Could not ask {} to verify the transaction of {}", coordinator.get(), transactionalId, e);
            return CompletableFuture.completedFuture(Errors.NOT_ENOUGH_REPLICAS);
        }
    }

    /** The coordinator's error for {@code partition}, with a whole-request error or a missing answer made retriable. */
    static Errors answerFor(AddPartitionsToTxnResponse response, String transactionalId, TopicPartition partition) {
        Errors top = Errors.forCode(response.data().errorCode());
        if (top != Errors.NONE) {
            return Errors.NOT_ENOUGH_REPLICAS;
        }
        Map<TopicPartition, Errors> errors = response.errors().getOrDefault(transactionalId, Map.of());
        Errors error = errors.getOrDefault(partition, Errors.NOT_ENOUGH_REPLICAS);
        return switch (error) {
            case COORDINATOR_NOT_AVAILABLE, NOT_COORDINATOR, COORDINATOR_LOAD_IN_PROGRESS, REQUEST_TIMED_OUT,
                 NETWORK_EXCEPTION, UNKNOWN_SERVER_ERROR -> Errors.NOT_ENOUGH_REPLICAS;
            default -> error;
        };
    }
}
