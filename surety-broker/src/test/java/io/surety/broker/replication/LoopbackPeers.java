package io.surety.broker.replication;

import io.surety.broker.api.BrokerStack;
import io.surety.broker.partition.Partition;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.FetchRequest;
import org.apache.kafka.common.requests.FetchResponse;

/**
 * {@link PeerRequests} without sockets: a request goes to the target broker's real handlers
 * ({@link BrokerStack#handle}, encoded and parsed as on the wire) and its answer comes back on
 * another thread, as from a connection. Every Fetch it carries is checked when sent: with
 * {@link #requireDurableFetchOffsets}, a fetch offset past the sending follower's durable end is
 * recorded as a violation. {@link #corruptNextRecords} flips a byte in the next answer that carries
 * records. Thread-safe.
 */
final class LoopbackPeers implements PeerRequests {

    private final Map<Integer, BrokerStack> brokers = new ConcurrentHashMap<>();
    private final Map<Integer, Partition> replicas = new ConcurrentHashMap<>();
    private final ExecutorService answers = Executors.newSingleThreadExecutor();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final List<Long> fetchOffsets = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean corruptNext = new AtomicBoolean();
    private volatile boolean requireDurable;

    /** Broker {@code stack} and its replica of the partition under test. */
    void add(BrokerStack stack, Partition replica) {
        brokers.put(stack.nodeId(), stack);
        replicas.put(stack.nodeId(), replica);
    }

    void requireDurableFetchOffsets() {
        requireDurable = true;
    }

    void corruptNextRecords() {
        corruptNext.set(true);
    }

    /** Fetch offsets that were past the sender's durable end when sent. */
    List<String> violations() {
        return violations;
    }

    /** Every fetch offset sent, in order. */
    List<Long> fetchOffsets() {
        return fetchOffsets;
    }

    @Override
    public CompletableFuture<AbstractResponse> send(BrokerEndpoint target, AbstractRequest.Builder<?> builder) {
        AbstractRequest request = builder.build(builder.apiKey().latestVersion());
        if (request instanceof FetchRequest fetch) {
            check(fetch.data());
        }
        BrokerStack stack = brokers.get(target.nodeId());
        return stack.handle(request).thenApplyAsync(this::maybeCorrupt, answers);
    }

    private void check(FetchRequestData data) {
        int sender = FetchRequest.replicaId(data);
        Partition replica = replicas.get(sender);
        for (FetchRequestData.FetchTopic topic : data.topics()) {
            for (FetchRequestData.FetchPartition partition : topic.partitions()) {
                long durable = replica.replication().durableEndOffset();
                fetchOffsets.add(partition.fetchOffset());
                if (requireDurable && partition.fetchOffset() > durable) {
                    violations.add("broker " + sender + " fetched from " + partition.fetchOffset() + " with only "
                            + durable + " durable");
                }
            }
        }
    }

    private AbstractResponse maybeCorrupt(AbstractResponse response) {
        if (!(response instanceof FetchResponse fetch) || !corruptNext.get()) {
            return response;
        }
        for (FetchResponseData.FetchableTopicResponse topic : fetch.data().responses()) {
            for (FetchResponseData.PartitionData partition : topic.partitions()) {
                if (partition.records() instanceof MemoryRecords records && records.sizeInBytes() > 0
                        && corruptNext.compareAndSet(true, false)) {
                    ByteBuffer bytes = records.buffer();
                    int last = bytes.limit() - 1;
                    bytes.put(last, (byte) (bytes.get(last) ^ 0x20));
                }
            }
        }
        return response;
    }

    @Override
    public void close() {
        answers.shutdownNow();
    }
}
