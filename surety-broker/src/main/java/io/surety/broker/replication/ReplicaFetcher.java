package io.surety.broker.replication;

import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.ReplicationConfig;
import io.surety.broker.partition.FollowerLog;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.Replication;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.FetchResponseData.PartitionData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The follower's fetch loop for the partitions this node copies from one leader broker (Kafka's
 * {@code ReplicaFetcherThread}, with truncation on the fetch response, KIP-279). One Fetch is in
 * flight at a time ({@link FollowerFetchRequest} says what it asks). Each answer, per partition:
 * <ul>
 * <li>records: appended as the leader wrote them ({@link FollowerLog#append}: CRC-checked,
 *     offsets contiguous from the log end), with the leader's high watermark and log start; a
 *     corrupt batch appends nothing, is counted ({@link #corruptResponses}) and the partition backs
 *     off and fetches it again;</li>
 * <li>DivergingEpoch: the log is truncated to where it and the leader's part
 *     ({@link FollowerLog#truncateOnDivergence}) and fetched again at once;</li>
 * <li>OFFSET_OUT_OF_RANGE: when the log ends below the leader's log start it is emptied and starts
 *     there ({@link FollowerLog#truncateFullyAndStartAt}); otherwise it backs off and retries;</li>
 * <li>FENCED_LEADER_EPOCH (our epoch is stale), or a local storage error or role change: the
 *     partition is paused until {@link #addPartitions} gives it a new start;</li>
 * <li>any other error (UNKNOWN_LEADER_EPOCH and NOT_LEADER_OR_FOLLOWER while the leader catches up
 *     with the metadata, unknown topic, the leader's storage error), and a failed connection for the
 *     whole request: back off {@code replica.fetch.backoff.ms} and retry, as Kafka does.</li>
 * </ul>
 *
 * <p><b>The Surety rule</b> (replication-design.md section 6.4, rule 4): under
 * {@code flush.policy=fsync} the next Fetch, whose fetch offsets are what the leader counts toward
 * its high watermark, is sent only once the flusher has made every partition's log durable to its
 * end; so a fetch offset never passes this node's durable end, and an acks=all acknowledgement
 * means on disk on every ISR member. All partitions appended in a round share one group-commit
 * round. Under {@code interval} the next Fetch goes at once.
 *
 * <p>Threading (STYLE rules 1 and 2): the fetcher owns no thread. Every field below is touched only
 * by the thread that calls {@link #doWork}, one step at a time; {@link ReplicaFetcherRunner} is the
 * usual one, a dedicated thread per source broker, and tests call the step themselves. Other
 * threads reach it through a queue: {@link #addPartitions} and {@link #removePartitions} (the
 * wiring), answers (the transport's threads) and durability (the flusher's threads) enqueue an
 * event and call the {@code signal} given at construction, which wakes the driving thread.
 * {@link #corruptResponses} may be read from any thread.
 */
public final class ReplicaFetcher {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaFetcher.class);

    private sealed interface Event permits Add, Remove, Answered, Flushed {
    }

    private record Add(Map<TopicPartition, FetchStart> starts) implements Event {
    }

    private record Remove(Set<TopicPartition> partitions) implements Event {
    }

    private record Answered(FollowerFetchRequest request, AbstractResponse response, Throwable failure) implements Event {
    }

    private record Flushed(FollowedPartition state, Throwable failure) implements Event {
    }

    private final int localNodeId;
    private final LongSupplier brokerEpoch;
    private final BrokerEndpoint leader;
    private final PeerRequests peers;
    private final ReplicationConfig config;
    private final FlushPolicy flushPolicy;
    private final FollowerFlush flush;
    private final Runnable signal;
    private final ConcurrentLinkedQueue<Event> events = new ConcurrentLinkedQueue<>();
    private final AtomicLong corruptResponses = new AtomicLong();
    private final Map<TopicPartition, FollowedPartition> partitions = new LinkedHashMap<>();
    /** The fetch awaiting its answer, or null. */
    private FollowerFetchRequest inFlight;
    /** Flushes asked for and not yet done; no fetch goes while any is outstanding. */
    private int flushesPending;
    private boolean connectionFailing;

    /**
     * @param brokerEpoch this node's broker epoch from its registration, sent in every fetch
     * @param flushPolicy under {@link FlushPolicy#FSYNC}, fetch offsets wait for durability
     * @param signal      called (on any thread, quickly) whenever work arrives for {@link #doWork}
     */
    public ReplicaFetcher(int localNodeId, LongSupplier brokerEpoch, BrokerEndpoint leader, PeerRequests peers,
            ReplicationConfig config, FlushPolicy flushPolicy, FollowerFlush flush, Runnable signal) {
        this.localNodeId = localNodeId;
        this.brokerEpoch = brokerEpoch;
        this.leader = leader;
        this.peers = peers;
        this.config = config;
        this.flushPolicy = flushPolicy;
        this.flush = flush;
        this.signal = signal;
    }

    /** The broker this fetcher copies from. */
    public BrokerEndpoint leader() {
        return leader;
    }

    /**
     * Starts copying these partitions from the leader, each from its log end in the epoch given;
     * a partition already here (paused or not) starts over with the new state. Any thread.
     */
    public void addPartitions(Map<TopicPartition, FetchStart> starts) {
        enqueue(new Add(Map.copyOf(starts)));
    }

    /** Stops copying these partitions; an answer still on its way for them is ignored. Any thread. */
    public void removePartitions(Set<TopicPartition> removed) {
        enqueue(new Remove(Set.copyOf(removed)));
    }

    /** Fetch answers refused for a corrupt batch so far (metrics; any thread). */
    public long corruptResponses() {
        return corruptResponses.get();
    }

    /**
     * One step at {@code nowMs} (a monotonic clock in milliseconds): applies what arrived (new or
     * removed partitions, an answer, finished flushes), then sends the next Fetch if none is in
     * flight, no flush is outstanding, and some partition is ready. Returns how much it did; 0 means
     * the caller may wait for the signal or until {@link #nextDeadlineMs}.
     */
    public int doWork(long nowMs) {
        int work = 0;
        Event event;
        while ((event = events.poll()) != null) {
            apply(event, nowMs);
            work++;
        }
        if (inFlight == null && flushesPending == 0 && maybeSend(nowMs)) {
            work++;
        }
        return work;
    }

    /** When a back-off ends and {@link #doWork} has something to do without a signal; Long.MAX_VALUE if never. */
    public long nextDeadlineMs() {
        long next = Long.MAX_VALUE;
        for (FollowedPartition state : partitions.values()) {
            if (state.status() == FollowedPartition.Status.BACKING_OFF) {
                next = Math.min(next, state.backoffUntilMs());
            }
        }
        return next;
    }

    /** The partition's place in the loop, or null when not followed here (tests). */
    FollowedPartition.Status statusOf(TopicPartition tp) {
        FollowedPartition state = partitions.get(tp);
        return state == null ? null : state.status();
    }

    private void enqueue(Event event) {
        events.add(event);
        signal.run();
    }

    private void apply(Event event, long nowMs) {
        if (event instanceof Add add) {
            add.starts().forEach((tp, start) -> partitions.put(tp, new FollowedPartition(start)));
        } else if (event instanceof Remove remove) {
            partitions.keySet().removeAll(remove.partitions());
        } else if (event instanceof Answered answered) {
            inFlight = null;
            handleAnswer(answered, nowMs);
        } else if (event instanceof Flushed flushed) {
            flushesPending--;
            if (flushed.failure() != null) {
                LOG.error("Could not make {} durable; it stops fetching until its role changes", flushed.state(),
                        flushed.failure());
                flushed.state().pause();
            }
        }
    }

    private boolean maybeSend(long nowMs) {
        List<FollowedPartition> ready = new ArrayList<>();
        for (FollowedPartition state : partitions.values()) {
            if (state.readyAt(nowMs) && current(state) && !awaitDurability(state)) {
                ready.add(state);
            }
        }
        if (ready.isEmpty() || flushesPending > 0) {
            return false;
        }
        FollowerFetchRequest request = FollowerFetchRequest.of(ready, localNodeId, brokerEpoch.getAsLong(), config);
        inFlight = request;
        peers.send(leader, request.builder()).whenComplete(
                (response, failure) -> enqueue(new Answered(request, response, failure)));
        return true;
    }

    /** Whether {@code state} is still the one the partitions map holds (not removed or replaced). */
    private boolean current(FollowedPartition state) {
        return partitions.get(state.topicPartition()) == state;
    }

    /**
     * The Surety rule: under fsync, a partition whose log end is not durable yet is flushed first
     * (the next fetch waits for it). Returns whether a flush was asked for.
     */
    private boolean awaitDurability(FollowedPartition state) {
        Partition partition = state.partition();
        long end = partition.logEndOffset();
        if (flushPolicy != FlushPolicy.FSYNC || partition.replication().durableEndOffset() >= end) {
            return false;
        }
        flushesPending++;
        flush.awaitDurable(partition, end).whenComplete((done, failure) -> enqueue(new Flushed(state, failure)));
        return true;
    }

    private void handleAnswer(Answered answered, long nowMs) {
        long retryAtMs = nowMs + config.replicaFetchBackoffMs();
        FetchResponse response = answered.response() instanceof FetchResponse fetch ? fetch : null;
        if (response == null || response.error() != Errors.NONE) {
            if (!connectionFailing) {
                LOG.warn("Fetch from {} failed ({}); retrying every {} ms", leader, response != null ? response.error()
                        : answered.failure() != null ? answered.failure().toString() : "no Fetch answer",
                        config.replicaFetchBackoffMs());
            }
            connectionFailing = true;
            answered.request().sent().forEach(sent -> sent.state().backOff(retryAtMs));
            return;
        }
        if (connectionFailing) {
            LOG.info("Fetching from {} again", leader);
            connectionFailing = false;
        }
        for (FetchResponseData.FetchableTopicResponse topic : response.data().responses()) {
            for (PartitionData data : topic.partitions()) {
                FollowerFetchRequest.Sent sent = answered.request().find(topic.topicId(), topic.topic(), data.partitionIndex());
                if (sent != null && current(sent.state()) && sent.state().status() == FollowedPartition.Status.FETCHING
                        && sent.state().partition().logEndOffset() == sent.fetchOffset()) {
                    handlePartition(sent.state(), data, nowMs, retryAtMs);
                }
            }
        }
    }

    private void handlePartition(FollowedPartition state, PartitionData data, long nowMs, long retryAtMs) {
        Errors error = Errors.forCode(data.errorCode());
        Replication replication = state.partition().replication();
        try {
            switch (error) {
                case NONE -> {
                    if (FetchResponse.isDivergingEpoch(data)) {
                        replication.follower().truncateOnDivergence(data.divergingEpoch().epoch(), data.divergingEpoch().endOffset());
                    } else {
                        append(state, data, nowMs, retryAtMs);
                    }
                }
                case OFFSET_OUT_OF_RANGE -> {
                    long leaderStart = data.logStartOffset();
                    if (leaderStart >= 0 && state.partition().logEndOffset() < leaderStart) {
                        LOG.warn("{} ends at {}, below the leader's log start {}: starting over there", state,
                                state.partition().logEndOffset(), leaderStart);
                        replication.follower().truncateFullyAndStartAt(leaderStart);
                    } else {
                        LOG.warn("Offset {} of {} is out of range at {}; retrying", state.partition().logEndOffset(),
                                state, leader);
                        state.backOff(retryAtMs);
                    }
                }
                case FENCED_LEADER_EPOCH -> {
                    LOG.info("{} is fenced by {}: a newer leader epoch exists; waiting for it", state, leader);
                    state.pause();
                }
                default -> {
                    LOG.debug("{} answered {} for {}; retrying", leader, error, state);
                    state.backOff(retryAtMs);
                }
            }
        } catch (IOException e) {
            LOG.error("{} failed to truncate; it stops fetching until its role changes", state, e);
            state.pause();
        }
    }

    private void append(FollowedPartition state, PartitionData data, long nowMs, long retryAtMs) {
        ByteBuffer records = data.records() instanceof MemoryRecords memory ? memory.buffer() : ByteBuffer.allocate(0);
        FollowerLog.AppendOutcome outcome = state.partition().replication().follower().append(records,
                data.highWatermark(), data.logStartOffset(), nowMs);
        switch (outcome.error()) {
            case NONE -> awaitDurability(state);
            case CORRUPT_MESSAGE -> {
                corruptResponses.incrementAndGet();
                LOG.warn("Refused records of {} from {}: {}; fetching them again in {} ms", state, leader, outcome.message(),
                        config.replicaFetchBackoffMs());
                state.backOff(retryAtMs);
            }
            default -> {
                LOG.warn("Could not append to {} ({}: {}); it stops fetching until its role changes", state,
                        outcome.error(), outcome.message());
                state.pause();
            }
        }
    }
}
