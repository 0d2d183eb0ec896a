package io.surety.bench.jmh;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.record.InvalidBatchException;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The produce hot path without the network: validate a client batch (structure + CRC), assign its
 * offsets by rewriting the header, append it to the segment (page cache; fsync is measured by the
 * broker benchmarks, not here). Retention keeps the log bounded while JMH loops.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AppendPathBenchmark {

    @Param({"16"})
    public int recordsPerBatch;

    @Param({"1024"})
    public int recordSize;

    private Path dir;
    private PartitionRegistry registry;
    private Partition partition;
    private MemoryRecords batch;
    private long appends;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("surety-jmh-append");
        BrokerConfig broker = BrokerConfig.of(Map.of("log.dirs", dir.toString(), "flush.policy", "interval"));
        TopicConfig config = TopicConfig.of(broker, Map.of("segment.bytes", Integer.toString(64 << 20),
                "retention.bytes", Integer.toString(256 << 20)));
        registry = new PartitionRegistry(dir, LogEnvironment.of(FsyncLedger.NONE, (close, delay) -> close.run(), false),
                Clock.systemUTC(), tp -> { });
        partition = registry.open(new TopicPartition("jmh", 0), Uuid.randomUuid(), config, false);
        batch = Batches.records(recordsPerBatch, recordSize);
    }

    @Benchmark
    public long validateAssignAppend() throws InvalidBatchException {
        ProducedBatch produced = ProducedBatch.parse(MemoryRecords.readableRecords(batch.buffer().duplicate()));
        AppendOutcome outcome = partition.append(produced, System.currentTimeMillis());
        if (++appends % 4096 == 0) {
            partition.applyRetention(System.currentTimeMillis(), Long.MAX_VALUE);
        }
        return outcome.baseOffset();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        registry.closeAll();
        Batches.deleteTree(dir);
    }
}
