package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.FileSlice;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.IsrEligibility;
import io.surety.broker.partition.IsrProposal;
import io.surety.broker.partition.IsrSettings;
import io.surety.broker.partition.LeaderAndIsr;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.TransactionVerifier;
import io.surety.broker.record.FileSliceRecords;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.MessageUtil;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.utils.Utils;

/**
 * Test support: the data plane of one broker of a cluster, in one directory — the partitions of a
 * {@link HandlerFixture}, the real Fetch and Produce handlers with the leader side of replication,
 * a broker timer, and under {@code flush.policy=fsync} a running group-commit flusher. Requests
 * are taken as a peer sends them and answered as a peer reads them: both are encoded to bytes and
 * parsed back, and records a fetch answers from the segment files are read into the answer.
 * ISR proposals are collected for the test to commit. Not thread-safe except {@link #handle}, which
 * the handlers allow from any thread.
 */
public final class BrokerStack implements AutoCloseable {

    private final int nodeId;
    private final HandlerFixture fixture;
    private final ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1);
    private final FetchHandler fetch;
    private final ProduceHandler produce;
    private final Thread flusherThread;
    private final List<IsrProposal> proposals = Collections.synchronizedList(new ArrayList<>());
    private final AtomicInteger correlationIds = new AtomicInteger();

    /** Broker {@code nodeId}, its data in {@code dir}, followers' lag measured on {@code monotonicMs}. */
    public BrokerStack(int nodeId, Path dir, FlushPolicy policy, LongSupplier monotonicMs) throws IOException {
        this.nodeId = nodeId;
        this.fixture = new HandlerFixture(dir, Map.of(BrokerConfig.FLUSH_POLICY, policy.name().toLowerCase()));
        timer.setRemoveOnCancelPolicy(true);
        ReplicaServing serving = new ReplicaServing(new PartitionWatchers(), (partition, proposal) -> proposals.add(proposal),
                monotonicMs);
        fetch = new FetchHandler(fixture.topics, fixture.partitions, fixture.metrics.topics(),
                new FetchWaiting(fixture.clock, timer, Runnable::run, fixture.watchers), serving);
        produce = new ProduceHandler(fixture.topics, fixture.partitions, fixture.flusher, fixture.metrics.topics(),
                TransactionVerifier.NONE, fixture.clock, timer, serving, Optional.empty());
        flusherThread = new Thread(fixture.flusher, "flusher-" + nodeId);
        flusherThread.start();
    }

    public int nodeId() {
        return nodeId;
    }

    /** Creates partition 0 of topic {@code name} with {@code id}, as every replica holds it; returns it. */
    public Partition createTopic(String name, Uuid id) throws IOException {
        fixture.createTopic(name, id, 1);
        return fixture.partition(name, 0);
    }

    /** Makes this broker lead {@code partition} in {@code leaderEpoch} (partition epoch the same). */
    public void lead(Partition partition, int leaderEpoch, List<Integer> replicas, List<Integer> isr, int minIsr) {
        if (!partition.replication().becomeLeader(new LeaderAndIsr(nodeId, leaderEpoch, leaderEpoch, replicas, isr),
                new IsrSettings(minIsr, 30_000), IsrEligibility.ANY, 0)) {
            throw new AssertionError("Broker " + nodeId + " could not lead " + partition.topicPartition());
        }
    }

    public GroupCommitFlusher flusher() {
        return fixture.flusher;
    }

    /** The ISR changes proposed so far. */
    public List<IsrProposal> proposals() {
        return proposals;
    }

    /** Handles a Fetch or Produce request as it arrives from a peer; the answer as the peer parses it. */
    public CompletableFuture<AbstractResponse> handle(AbstractRequest request) {
        RequestHeader header = new RequestHeader(request.apiKey(), request.version(), "peer", correlationIds.incrementAndGet());
        ByteBuffer bytes = request.serializeWithHeader(header);
        RequestHeader parsedHeader = RequestHeader.parse(bytes);
        AbstractRequest parsed = AbstractRequest.parseRequest(header.apiKey(), header.apiVersion(),
                new ByteBufferAccessor(bytes)).request;
        ApiHandler handler = switch (request.apiKey()) {
            case FETCH -> fetch;
            case PRODUCE -> produce;
            default -> throw new IllegalArgumentException(request.apiKey() + " is not served here");
        };
        return handler.handle(new ApiRequest(parsedHeader, parsed, "/127.0.0.1:1", "PLAINTEXT"))
                .thenApply(response -> asPeerReadsIt(request.apiKey(), ((ApiResponse.Send) response).body(),
                        request.version()));
    }

    private static AbstractResponse asPeerReadsIt(ApiKeys api, ApiMessage body, short version) {
        if (body instanceof FetchResponseData data) {
            for (FetchResponseData.FetchableTopicResponse topic : data.responses()) {
                for (FetchResponseData.PartitionData partition : topic.partitions()) {
                    if (partition.records() instanceof FileSliceRecords slice) {
                        partition.setRecords(MemoryRecords.readableRecords(read(slice.slice())));
                    }
                }
            }
        }
        return AbstractResponse.parseResponse(api, MessageUtil.toByteBufferAccessor(body, version), version);
    }

    private static ByteBuffer read(FileSlice slice) {
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
        try {
            Utils.readFully(slice.channel(), bytes, slice.position());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.flip();
    }

    @Override
    public void close() {
        fixture.flusher.stop();
        try {
            flusherThread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
        fixture.close();
    }
}
