package io.surety.broker.node;

import io.surety.broker.api.LeaderMarkerAppender;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.coordinator.TransactionMarkerWriter;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.replication.BrokerEndpoint;
import io.surety.broker.replication.PeerRequests;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarker;
import org.apache.kafka.common.message.WriteTxnMarkersRequestData.WritableTxnMarkerTopic;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The transaction coordinator's markers in cluster mode: each partition's marker goes to its
 * leader in the committed metadata ({@link MarkerRoutes}) — appended here when this node leads it,
 * sent as one WriteTxnMarkers request per other leader over the inter-broker listener — with the
 * coordinator epoch the wiring supplies. A marker counts as written when its leader answered NONE,
 * that is once the high watermark passed it (an acks=all batch, {@link LeaderMarkerAppender}).
 *
 * <p>The partitions still unwritten are tried again with a fresh image after a backoff (100 ms,
 * doubling up to 1 s) on any other answer: NOT_LEADER_OR_FOLLOWER, an unknown leader, a lost
 * connection, a timeout, too small an ISR. The returned future fails only on a fencing answer
 * (TRANSACTION_COORDINATOR_FENCED, INVALID_PRODUCER_EPOCH: this coordinator or this marker is
 * stale) or when {@link #GIVE_UP_MS} passed without success; the coordinator then writes every
 * marker of the transaction again later. Thread-safe; owns no thread (retries run on
 * {@code timer}).
 *
 * <p>Implementation notes: writing a marker twice is harmless (the second closes nothing), and the
 * transaction stays prepared until every marker is written, so its producer cannot open the next
 * transaction in the meantime; nothing is lost by retrying from scratch. The requests go through
 * their own {@link PeerRequests} connections, not the followers' fetch connections: a leader answers
 * one connection's requests in order, so a marker waiting there for the high watermark must not sit
 * in front of the fetch that would advance it.
 */
public final class ClusterMarkerWriter implements TransactionMarkerWriter {

    /** How long one {@link #write} keeps trying before it fails and leaves the retry to the coordinator. */
    static final long GIVE_UP_MS = 30_000;
    /** How long a marker waits for its leader's high watermark; a leader answers REQUEST_TIMED_OUT after it. */
    static final long MARKER_TIMEOUT_MS = 15_000;
    /** A peer that neither answers nor closes within this counts as failed. */
    private static final long REQUEST_TIMEOUT_MS = 45_000;
    private static final long FIRST_BACKOFF_MS = 100;
    private static final long MAX_BACKOFF_MS = 1_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterMarkerWriter.class);

    private final int nodeId;
    private final String interBrokerListener;
    private final Supplier<ClusterImage> image;
    private final PartitionRegistry partitions;
    private final LeaderMarkerAppender appender;
    private final PeerRequests peers;
    private final IntSupplier coordinatorEpoch;
    private final ScheduledExecutorService timer;
    private final LongSupplier monotonicMs;

    /**
     * @param image            the newest committed metadata this node applied
     * @param peers            connections used for markers only
     * @param coordinatorEpoch the epoch of the coordinator writing through this writer (for now 0; the
     *     term in which this node's coordinator took over once the coordinators run on the quorum)
     * @param timer            where retries are scheduled
     */
    public ClusterMarkerWriter(int nodeId, String interBrokerListener, Supplier<ClusterImage> image,
            PartitionRegistry partitions, LeaderMarkerAppender appender, PeerRequests peers,
            IntSupplier coordinatorEpoch, ScheduledExecutorService timer, LongSupplier monotonicMs) {
        this.nodeId = nodeId;
        this.interBrokerListener = interBrokerListener;
        this.image = image;
        this.partitions = partitions;
        this.appender = appender;
        this.peers = peers;
        this.coordinatorEpoch = coordinatorEpoch;
        this.timer = timer;
        this.monotonicMs = monotonicMs;
    }

    @Override
    public CompletableFuture<Void> write(long producerId, short producerEpoch, boolean commit,
            Collection<TopicPartition> targets) {
        Round round = new Round(new Marker(producerId, producerEpoch, commit, coordinatorEpoch.getAsInt()), targets,
                monotonicMs.getAsLong() + GIVE_UP_MS);
        round.attempt();
        return round.done;
    }

    /** One marker for many partitions: what every attempt of a {@link Round} writes. */
    private record Marker(long producerId, short producerEpoch, boolean commit, int coordinatorEpoch) {

        @Override
        public String toString() {
            return (commit ? "COMMIT" : "ABORT") + " of producer " + producerId + " epoch " + producerEpoch
                    + " (coordinator epoch " + coordinatorEpoch + ")";
        }
    }

    /**
     * One {@link #write}: attempts run one after another (the next is scheduled only when every
     * answer of the last is in), so its fields are touched by one thread at a time.
     */
    private final class Round {

        private final Marker marker;
        private final Set<TopicPartition> pending;
        private final long giveUpMs;
        private final CompletableFuture<Void> done = new CompletableFuture<>();
        private long backoffMs = FIRST_BACKOFF_MS;
        private int attempts;

        Round(Marker marker, Collection<TopicPartition> targets, long giveUpMs) {
            this.marker = marker;
            this.pending = new LinkedHashSet<>(targets);
            this.giveUpMs = giveUpMs;
        }

        void attempt() {
            try {
                tryOnce();
            } catch (RuntimeException e) {
                done.completeExceptionally(e);
            }
        }

        private void tryOnce() {
            attempts++;
            MarkerRoutes routes = MarkerRoutes.of(image.get(), nodeId, interBrokerListener, pending);
            routes.gone().forEach(pending::remove);
            Map<TopicPartition, Errors> answers = new LinkedHashMap<>();
            routes.waiting().forEach(tp -> answers.put(tp, Errors.LEADER_NOT_AVAILABLE));
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (TopicPartition tp : routes.local()) {
                inFlight.add(writeHere(tp).thenAccept(error -> record(answers, Map.of(tp, error))));
            }
            routes.remote().forEach((leader, tps) -> inFlight.add(send(leader, tps)
                    .thenAccept(errors -> record(answers, errors))));
            CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new))
                    .whenComplete((ok, failure) -> answered(answers));
        }

        private void record(Map<TopicPartition, Errors> answers, Map<TopicPartition, Errors> errors) {
            synchronized (answers) {
                answers.putAll(errors);
            }
        }

        private CompletableFuture<Errors> writeHere(TopicPartition tp) {
            Partition partition = partitions.get(tp);
            if (partition == null) {
                return CompletableFuture.completedFuture(Errors.NOT_LEADER_OR_FOLLOWER);
            }
            try {
                return appender.append(partition, marker.producerId(), marker.producerEpoch(), marker.commit(),
                        marker.coordinatorEpoch(), MARKER_TIMEOUT_MS);
            } catch (RuntimeException e) {
                LOG.warn("Marker {} for {} failed here", marker, tp, e);
                return CompletableFuture.completedFuture(Errors.UNKNOWN_SERVER_ERROR);
            }
        }

        /** One WriteTxnMarkers request to {@code leader}; every partition gets an answer, failures included. */
        private CompletableFuture<Map<TopicPartition, Errors>> send(BrokerEndpoint leader, List<TopicPartition> tps) {
            CompletableFuture<AbstractResponse> response;
            try {
                response = peers.send(leader, new WriteTxnMarkersRequest.Builder(request(tps)))
                        .orTimeout(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            } catch (RuntimeException e) {
                response = CompletableFuture.failedFuture(e);
            }
            return response.handle((answer, failure) -> {
                Map<TopicPartition, Errors> out = new LinkedHashMap<>();
                Map<TopicPartition, Errors> given = failure == null && answer instanceof WriteTxnMarkersResponse markers
                        ? markers.errorsByProducerId().getOrDefault(marker.producerId(), Map.of()) : Map.of();
                if (failure != null) {
                    LOG.info("Marker {} to {} failed: {}", marker, leader, failure.toString());
                }
                for (TopicPartition tp : tps) {
                    out.put(tp, given.getOrDefault(tp, Errors.NETWORK_EXCEPTION));
                }
                return out;
            });
        }

        private WriteTxnMarkersRequestData request(List<TopicPartition> tps) {
            Map<String, WritableTxnMarkerTopic> topics = new LinkedHashMap<>();
            for (TopicPartition tp : tps) {
                topics.computeIfAbsent(tp.topic(), name -> new WritableTxnMarkerTopic().setName(name))
                        .partitionIndexes().add(tp.partition());
            }
            WritableTxnMarker entry = new WritableTxnMarker().setProducerId(marker.producerId())
                    .setProducerEpoch(marker.producerEpoch()).setTransactionResult(marker.commit())
                    .setCoordinatorEpoch(marker.coordinatorEpoch()).setTopics(new ArrayList<>(topics.values()));
            return new WriteTxnMarkersRequestData().setMarkers(new ArrayList<>(List.of(entry)));
        }

        private void answered(Map<TopicPartition, Errors> answers) {
            Map<TopicPartition, Errors> failed = new LinkedHashMap<>();
            synchronized (answers) {
                answers.forEach((tp, error) -> {
                    if (error == Errors.NONE) {
                        pending.remove(tp);
                    } else {
                        failed.put(tp, error);
                    }
                });
            }
            if (pending.isEmpty()) {
                done.complete(null);
                return;
            }
            if (failed.containsValue(Errors.TRANSACTION_COORDINATOR_FENCED)
                    || failed.containsValue(Errors.INVALID_PRODUCER_EPOCH)) {
                done.completeExceptionally(new IOException("Marker " + marker + " refused: " + failed));
                return;
            }
            if (monotonicMs.getAsLong() >= giveUpMs) {
                done.completeExceptionally(new IOException("Marker " + marker + " not written after " + attempts
                        + " attempts: " + failed));
                return;
            }
            LOG.debug("Marker {}: {} partitions left after attempt {} ({}); trying again in {} ms", marker,
                    pending.size(), attempts, failed, backoffMs);
            try {
                timer.schedule(this::attempt, backoffMs, TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                done.completeExceptionally(new IOException("Marker " + marker + " abandoned: the broker is closing", e));
                return;
            }
            backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
        }
    }
}
