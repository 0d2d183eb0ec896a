package io.surety.broker.replication;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.api.BrokerStack;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.ReplicationConfig;
import io.surety.broker.partition.Partition;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.ProduceRequest;
import org.apache.kafka.common.requests.ProduceResponse;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Followers' fetch loops against a real leader, no sockets: three brokers in one JVM
 * ({@link BrokerStack}: real partitions, logs and handlers in their own directories), the
 * followers' {@link ReplicaFetcher}s stepped by the test, and {@link LoopbackPeers} carrying each
 * Fetch to the leader's Fetch handler and its answer back on another thread. After every step the
 * leader's high watermark is checked against the followers' logs. The fetchers' clock is manual;
 * leader fetches never wait ({@code replica.fetch.wait.max.ms=0}).
 */
class ReplicaFetcherTest {

    private static final String TOPIC = "events";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Uuid TOPIC_ID = Uuid.fromString("AAAAAAAAAAAAAAAAAAAAAQ");
    private static final int BACKOFF_MS = 1_000;
    private static final ReplicationConfig CONFIG = new ReplicationConfig(30_000L, 0, 16 * 1024, 64 * 1024, 1, 1, 9_000,
            2_000, true, 1_000, 2, false, BACKOFF_MS, 5_000L);

    @TempDir
    Path dir;

    private final AtomicLong nowMs = new AtomicLong(1_000);
    private final Semaphore signals = new Semaphore(0);
    private final LoopbackPeers peers = new LoopbackPeers();
    private final Map<Integer, BrokerStack> brokers = new HashMap<>();
    private final Map<Integer, Partition> replicas = new HashMap<>();
    private final Map<Integer, ReplicaFetcher> fetchers = new HashMap<>();
    private FlushPolicy policy;
    private long highWatermarkSeen;

    @AfterEach
    void close() {
        peers.close();
        brokers.values().forEach(BrokerStack::close);
    }

    @Test
    void shouldCopyTenThousandRecordsByteForByteAndMoveTheHighWatermarkOnlyAsFollowersFetch() throws Exception {
        cluster(3, FlushPolicy.INTERVAL);
        elect(1, 1);
        for (int i = 0; i < 100; i++) {
            assertThat(replicas.get(1).append(batch(100, i * 100), nowMs.get()).error()).isEqualTo(Errors.NONE);
        }
        assertThat(replicas.get(1).logEndOffset()).isEqualTo(10_000);
        assertThat(replicas.get(1).highWatermark()).as("no follower has fetched").isZero();

        pump(() -> replicas.values().stream().allMatch(p -> p.highWatermark() == 10_000));

        assertIdentical(1, 2);
        assertIdentical(1, 3);
        assertThat(peers.fetchOffsets().size()).as("replica.fetch.max.bytes cut the copy into rounds").isGreaterThan(20);
    }

    @Test
    void shouldAnswerAcksAllWhenTheFollowersHaveCaughtUp() throws Exception {
        cluster(3, FlushPolicy.INTERVAL);
        elect(1, 1);
        CompletableFuture<AbstractResponse> first = produceAcksAll(1, batch(10, 0));
        CompletableFuture<AbstractResponse> second = produceAcksAll(1, batch(5, 10));
        assertThat(first).isNotDone();

        pump(() -> first.isDone() && second.isDone());

        assertThat(produced(first).errorCode()).isEqualTo(Errors.NONE.code());
        assertThat(produced(first).baseOffset()).isZero();
        assertThat(produced(second).baseOffset()).isEqualTo(10);
        assertThat(replicas.get(2).logEndOffset()).isEqualTo(15);
        assertThat(replicas.get(3).logEndOffset()).isEqualTo(15);
    }

    @Test
    void shouldTruncateTheDivergedTailAndConvergeWhenTheLeaderAnswersDivergingEpoch() throws Exception {
        cluster(2, FlushPolicy.INTERVAL);
        elect(1, 1);
        replicas.get(1).append(batch(5, 0), nowMs.get());
        pump(() -> replicas.get(2).highWatermark() == 5);
        replicas.get(1).append(batch(3, 5), nowMs.get());
        assertThat(replicas.get(1).logEndOffset()).as("a tail follower 2 never copied").isEqualTo(8);

        elect(2, 2);
        replicas.get(2).append(batch(4, 100), nowMs.get());
        pump(() -> replicas.get(1).logEndOffset() == 9 && replicas.get(2).highWatermark() == 9);

        assertIdentical(2, 1);
        assertThat(replicas.get(1).log().leaderEpochs()).isEqualTo(replicas.get(2).log().leaderEpochs());
    }

    @Test
    void shouldNotAppendACorruptBatchAndFetchItAgainAfterTheBackoff() throws Exception {
        cluster(2, FlushPolicy.INTERVAL);
        elect(1, 1);
        replicas.get(1).append(batch(20, 0), nowMs.get());
        peers.corruptNextRecords();

        pump(() -> fetchers.get(2).corruptResponses() == 1);

        assertThat(replicas.get(2).logEndOffset()).as("nothing of the corrupt answer was appended").isZero();
        assertThat(fetchers.get(2).statusOf(TP)).isEqualTo(FollowedPartition.Status.BACKING_OFF);
        assertThat(fetchers.get(2).nextDeadlineMs()).isEqualTo(nowMs.get() + BACKOFF_MS);
        nowMs.addAndGet(BACKOFF_MS);
        pump(() -> replicas.get(1).highWatermark() == 20);
        assertIdentical(1, 2);
    }

    @Test
    void shouldNeverReportAFetchOffsetPastTheFollowersDurableEndUnderFsync() throws Exception {
        cluster(3, FlushPolicy.FSYNC);
        peers.requireDurableFetchOffsets();
        elect(1, 1);
        List<CompletableFuture<AbstractResponse>> acks = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            acks.add(produceAcksAll(1, batch(50, i * 50)));
        }

        pump(() -> acks.stream().allMatch(CompletableFuture::isDone));

        assertThat(acks).allSatisfy(ack -> assertThat(produced(ack).errorCode()).isEqualTo(Errors.NONE.code()));
        assertThat(peers.violations()).isEmpty();
        assertThat(peers.fetchOffsets()).contains(1_000L);
        for (int id : List.of(2, 3)) {
            assertThat(replicas.get(id).replication().durableEndOffset()).isEqualTo(1_000);
            assertIdentical(1, id);
        }
    }

    @Test
    void shouldCatchUpAndStopWhenDrivenByItsOwnThread() throws Exception {
        cluster(2, FlushPolicy.INTERVAL);
        brokers.get(1).lead(replicas.get(1), 1, List.of(1, 2), List.of(1, 2), 1);
        assertThat(replicas.get(2).replication().becomeFollower(1, 1)).isTrue();
        ReplicaFetcherRunner runner = new ReplicaFetcherRunner(nowMs::get);
        ReplicaFetcher fetcher = new ReplicaFetcher(2, () -> 102L, new BrokerEndpoint(1, "localhost", 1), peers, CONFIG,
                FlushPolicy.INTERVAL, brokers.get(2).flusher()::awaitDurable, runner::signal);
        runner.drive(fetcher);
        Thread thread = new Thread(runner, "replica-fetcher-1");
        thread.start();
        fetcher.addPartitions(Map.of(TP, new FetchStart(replicas.get(2), 1)));
        replicas.get(1).append(batch(30, 0), nowMs.get());

        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> replicas.get(1).highWatermark() == 30);

        runner.stop();
        thread.join(10_000);
        assertThat(thread.isAlive()).isFalse();
        assertIdentical(1, 2);
    }

    // ------------------------------------------------------------------ scaffolding

    private void cluster(int size, FlushPolicy flushPolicy) throws Exception {
        policy = flushPolicy;
        for (int id = 1; id <= size; id++) {
            BrokerStack stack = new BrokerStack(id, dir.resolve("broker-" + id), policy, nowMs::get);
            brokers.put(id, stack);
            replicas.put(id, stack.createTopic(TOPIC, TOPIC_ID));
            peers.add(stack, replicas.get(id));
        }
    }

    /** Broker {@code leader} leads in {@code epoch} with every broker in the ISR; the others fetch from it. */
    private void elect(int leader, int epoch) {
        List<Integer> ids = brokers.keySet().stream().sorted().toList();
        for (ReplicaFetcher fetcher : fetchers.values()) {
            fetcher.removePartitions(Set.of(TP));
        }
        fetchers.clear();
        brokers.get(leader).lead(replicas.get(leader), epoch, ids, ids, 1);
        for (int id : ids) {
            if (id != leader) {
                assertThat(replicas.get(id).replication().becomeFollower(leader, epoch)).isTrue();
                ReplicaFetcher fetcher = new ReplicaFetcher(id, () -> 100L + id, new BrokerEndpoint(leader, "localhost", 1),
                        peers, CONFIG, policy, brokers.get(id).flusher()::awaitDurable, signals::release);
                fetcher.addPartitions(Map.of(TP, new FetchStart(replicas.get(id), epoch)));
                fetchers.put(id, fetcher);
            }
        }
        highWatermarkSeen = replicas.get(leader).highWatermark();
    }

    /**
     * Steps every fetcher until {@code done}, waiting for a signal (an answer, a finished flush)
     * when none had work; after each step the leader's high watermark is checked: it never goes
     * back and never passes a follower's log end.
     */
    private void pump(BooleanSupplier done) throws InterruptedException {
        for (int steps = 0; !done.getAsBoolean(); steps++) {
            assertThat(steps).as("steps before the cluster got there").isLessThan(200_000);
            int work = 0;
            for (ReplicaFetcher fetcher : fetchers.values()) {
                work += fetcher.doWork(nowMs.get());
            }
            checkHighWatermark();
            if (work == 0 && !done.getAsBoolean()) {
                assertThat(signals.tryAcquire(10, TimeUnit.SECONDS)).as("a fetcher was signalled").isTrue();
            }
        }
        checkHighWatermark();
    }

    private void checkHighWatermark() {
        int leader = fetchers.isEmpty() ? 1 : fetchers.values().iterator().next().leader().nodeId();
        long highWatermark = replicas.get(leader).highWatermark();
        assertThat(highWatermark).isGreaterThanOrEqualTo(highWatermarkSeen);
        for (int id : fetchers.keySet()) {
            assertThat(highWatermark).as("the high watermark passed follower " + id + "'s log end")
                    .isLessThanOrEqualTo(replicas.get(id).logEndOffset());
        }
        highWatermarkSeen = highWatermark;
    }

    private CompletableFuture<AbstractResponse> produceAcksAll(int leader, ProducedBatch batch) {
        ProduceRequestData data = new ProduceRequestData().setAcks((short) -1).setTimeoutMs(60_000);
        data.topicData().add(new ProduceRequestData.TopicProduceData().setName(TOPIC));
        data.topicData().iterator().next().partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0)
                .setRecords(MemoryRecords.readableRecords(batch.bytes().duplicate())));
        return brokers.get(leader).handle(new ProduceRequest(data, (short) 11));
    }

    private static ProduceResponseData.PartitionProduceResponse produced(CompletableFuture<AbstractResponse> future) {
        return ((ProduceResponse) future.join()).data().responses().iterator().next().partitionResponses().get(0);
    }

    /** A batch of {@code count} records, values numbered from {@code first}. */
    private ProducedBatch batch(int count, int first) {
        SimpleRecord[] records = new SimpleRecord[count];
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(nowMs.get(), ("k" + (first + i)).getBytes(StandardCharsets.UTF_8),
                    ("value-" + (first + i)).getBytes(StandardCharsets.UTF_8));
        }
        try {
            return ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE, records));
        } catch (InvalidBatchException e) {
            throw new AssertionError(e);
        }
    }

    /** The two replicas hold the same bytes: offsets, leader epochs, CRCs and records. */
    private void assertIdentical(int a, int b) throws Exception {
        assertThat(replicas.get(b).logEndOffset()).isEqualTo(replicas.get(a).logEndOffset());
        assertThat(wholeLog(replicas.get(b))).isEqualTo(wholeLog(replicas.get(a)));
    }

    private static ByteBuffer wholeLog(Partition partition) throws Exception {
        var read = partition.replication().readForReplica(partition.logStartOffset(), Integer.MAX_VALUE, true);
        ByteBuffer bytes = ByteBuffer.allocate(read.sizeInBytes());
        while (bytes.hasRemaining()) {
            read.slice().channel().read(bytes, read.slice().position() + bytes.position());
        }
        return bytes.flip();
    }
}
