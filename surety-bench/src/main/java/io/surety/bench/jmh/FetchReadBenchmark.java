package io.surety.bench.jmh;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.OffsetOutOfRangeException;
import io.surety.broker.log.ReadResult;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The fetch read path without the network: locate the batch holding a random offset (index
 * lookup plus a short header scan) and cut a file slice of up to 1 MiB, as a consumer fetch does.
 * The bytes themselves go out with sendfile, so they are not copied here either.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class FetchReadBenchmark {

    private static final int BATCHES = 20_000;
    private static final int RECORDS_PER_BATCH = 16;

    private Path dir;
    private PartitionRegistry registry;
    private Partition partition;
    private final SplittableRandom random = new SplittableRandom(42);

    @Setup(Level.Trial)
    public void setUp() throws IOException, InvalidBatchException {
        dir = Files.createTempDirectory("surety-jmh-fetch");
        BrokerConfig broker = BrokerConfig.of(Map.of("log.dirs", dir.toString(), "flush.policy", "interval"));
        TopicConfig config = TopicConfig.of(broker, Map.of("segment.bytes", Integer.toString(64 << 20)));
        registry = new PartitionRegistry(dir, LogEnvironment.of(FsyncLedger.NONE, (close, delay) -> close.run(), false),
                Clock.systemUTC(), tp -> { });
        partition = registry.open(new TopicPartition("jmh", 0), Uuid.randomUuid(), config, false);
        MemoryRecords batch = Batches.records(RECORDS_PER_BATCH, 1024);
        for (int i = 0; i < BATCHES; i++) {
            partition.append(ProducedBatch.parse(MemoryRecords.readableRecords(batch.buffer().duplicate())),
                    System.currentTimeMillis());
        }
    }

    @Benchmark
    public int readOneMegabyte() throws IOException, OffsetOutOfRangeException {
        long offset = random.nextLong(partition.highWatermark());
        ReadResult read = partition.read(offset, 1 << 20, true);
        return read.sizeInBytes();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        registry.closeAll();
        Batches.deleteTree(dir);
    }
}
