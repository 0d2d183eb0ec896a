package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.record.ProducedBatch;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.errors.KafkaStorageException;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parallel forcing: forces of different partitions overlap, one partition is never forced by two
 * threads at once, and stopping fails whatever still waits. A stalled fsync comes from
 * {@link FailingDisk}, so nothing here depends on timing.
 */
class GroupCommitFlusherTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @TempDir
    Path dir;

    private final Clock clock = Clock.systemUTC();
    private final ExecutorService pool = Executors.newFixedThreadPool(4);
    private final CountingExecutor forcers = new CountingExecutor(pool);
    private final List<PartitionRegistry> registries = new ArrayList<>();
    private GroupCommitFlusher flusher;
    private Thread flusherThread;
    private FailingDisk slowDisk;

    @AfterEach
    void tearDown() throws Exception {
        if (slowDisk != null) {
            slowDisk.resumeFsync();
        }
        if (flusher != null) {
            flusher.stop();
            flusherThread.join();
        }
        pool.shutdown();
        assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        registries.forEach(PartitionRegistry::closeAll);
    }

    @Test
    void shouldWakeAnotherPartitionsWaitersWhenOnePartitionsForceIsStalled() throws Exception {
        Partition slow = openOnSlowDisk("slow");
        Partition fast = open("fast", null);
        startFlusher(forcers);

        slowDisk.stallFsync();
        CompletableFuture<Void> slowDurable = appendAndAwait(slow);
        await().atMost(WAIT).until(() -> slowDisk.stalledFsyncs() == 1);
        CompletableFuture<Void> fastDurable = appendAndAwait(fast);

        fastDurable.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(fast.highWatermark()).isEqualTo(1);
        assertThat(slowDurable).isNotDone();
        assertThat(slow.highWatermark()).isZero();

        slowDisk.resumeFsync();
        slowDurable.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(slow.highWatermark()).isEqualTo(1);
    }

    @Test
    void shouldNotForceAPartitionOnASecondThreadWhileItsForceRuns() throws Exception {
        Partition slow = openOnSlowDisk("slow");
        Partition fast = open("fast", null);
        startFlusher(forcers);

        slowDisk.stallFsync();
        CompletableFuture<Void> first = appendAndAwait(slow);
        await().atMost(WAIT).until(() -> slowDisk.stalledFsyncs() == 1);
        CompletableFuture<Void> second = appendAndAwait(slow);
        CompletableFuture<Void> third = appendAndAwait(slow);
        // The flusher takes events in order: once the other partition's waiter is done, it has
        // seen the second and third waiters and must have kept them for the force after.
        appendAndAwait(fast).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(forcers.started()).isEqualTo(2);
        assertThat(List.of(first, second, third)).noneMatch(CompletableFuture::isDone);

        slowDisk.resumeFsync();
        CompletableFuture.allOf(first, second, third).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(slow.highWatermark()).isEqualTo(3);
        assertThat(forcers.mostRunningAtOnce()).isLessThanOrEqualTo(2);
        assertThat(forcers.started()).isEqualTo(3);
    }

    @Test
    void shouldFailWaitersStillQueuedAndLaterOnesWhenStopped() throws Exception {
        Partition slow = openOnSlowDisk("slow");
        startFlusher(forcers);

        slowDisk.stallFsync();
        CompletableFuture<Void> forcing = appendAndAwait(slow);
        await().atMost(WAIT).until(() -> slowDisk.stalledFsyncs() == 1);
        CompletableFuture<Void> queued = appendAndAwait(slow);

        flusher.stop();
        flusherThread.join(WAIT.toMillis());
        assertThat(flusherThread.isAlive()).isFalse();
        assertFailsWithStorageError(queued);
        assertFailsWithStorageError(appendAndAwait(slow));

        // The force that had started still ends, and what it covered is acknowledged.
        slowDisk.resumeFsync();
        forcing.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Test
    void shouldFailOnlyTheBrokenPartitionsWaitersWhenForcesRunInParallel() throws Exception {
        FailingDisk brokenDisk = new FailingDisk();
        Partition broken = open("broken", brokenDisk);
        Partition healthy = open("healthy", null);
        startFlusher(forcers);

        brokenDisk.breakFsync();
        CompletableFuture<Void> lost = appendAndAwait(broken);
        CompletableFuture<Void> durable = appendAndAwait(healthy);

        assertFailsWithStorageError(lost);
        durable.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        assertThat(broken.isOffline()).isTrue();
        assertThat(broken.highWatermark()).isZero();
        assertThat(healthy.highWatermark()).isEqualTo(1);
    }

    @Test
    void shouldForceOnTheFlusherThreadWhenGivenNoPool() throws Exception {
        Partition partition = open("inline", null);
        flusher = new GroupCommitFlusher(FlushPolicy.FSYNC, clock, List::of, BrokerMetrics.create().fsync());
        flusherThread = new Thread(flusher, "test-flusher");
        flusherThread.start();

        appendAndAwait(partition).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        appendAndAwait(partition).get(WAIT.toMillis(), TimeUnit.MILLISECONDS);

        assertThat(partition.highWatermark()).isEqualTo(2);
        assertThat(forcers.started()).isZero();
    }

    private void startFlusher(Executor executor) {
        flusher = new GroupCommitFlusher(FlushPolicy.FSYNC, clock, List::of, BrokerMetrics.create().fsync(), executor);
        flusherThread = new Thread(flusher, "test-flusher");
        flusherThread.start();
    }

    private Partition openOnSlowDisk(String topic) throws Exception {
        slowDisk = new FailingDisk();
        return open(topic, slowDisk);
    }

    private Partition open(String topic, FailingDisk disk) throws Exception {
        LogEnvironment env = LogEnvironment.of(FsyncLedger.NONE, (close, delay) -> close.run(), true);
        PartitionRegistry registry = new PartitionRegistry(dir.resolve(topic),
                disk == null ? env : env.withChannels(disk), clock, tp -> { });
        registries.add(registry);
        TopicConfig config = TopicConfig.of(BrokerConfig.of(Map.of("log.dirs", "unused")), Map.of());
        return registry.open(new TopicPartition(topic, 0), Uuid.randomUuid(), config, false);
    }

    private CompletableFuture<Void> appendAndAwait(Partition partition) throws Exception {
        ProducedBatch batch = ProducedBatch.parse(MemoryRecords.withRecords(Compression.NONE,
                new SimpleRecord(clock.millis(), null, "value".getBytes())));
        AppendOutcome outcome = partition.append(batch, clock.millis());
        return flusher.awaitDurable(partition, outcome.endOffset());
    }

    private static void assertFailsWithStorageError(CompletableFuture<Void> future) {
        assertThatThrownBy(() -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS))
                .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(KafkaStorageException.class);
    }

    /** The forcing pool, counting the forces handed to it and how many ran at once. */
    private static final class CountingExecutor implements Executor {
        private final Executor delegate;
        private final AtomicInteger started = new AtomicInteger();
        private final AtomicInteger running = new AtomicInteger();
        private final AtomicInteger mostRunning = new AtomicInteger();

        CountingExecutor(Executor delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable task) {
            started.incrementAndGet();
            delegate.execute(() -> {
                mostRunning.accumulateAndGet(running.incrementAndGet(), Math::max);
                try {
                    task.run();
                } finally {
                    running.decrementAndGet();
                }
            });
        }

        int started() {
            return started.get();
        }

        int mostRunningAtOnce() {
            return mostRunning.get();
        }
    }
}
