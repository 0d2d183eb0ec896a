package io.surety.broker.partition;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.BatchHeader;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.record.ProducedBatch;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncation against a simple model: random appends (plain, idempotent and transactional, with
 * markers), new leader epochs, segment rolls and flushes, then truncations to random offsets, with
 * crashes (reopen without close) and simulated power losses (every file cut back to its last
 * fsynced length) injected between operations and after any durable step inside a truncation.
 * After each step the partition equals the model: its batches (offsets, leader epochs, producer,
 * a unique timestamp per batch, so nothing truncated can come back unnoticed), the epoch cache,
 * every producer's last sequence and the last stable offset. Seeded: rerun with -Dsurety.seed.
 */
class TruncationPropertyTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("events", 0);
    private static final Uuid ID = Uuid.randomUuid();
    private static final long[] PRODUCERS = {-1, 1, 2, 3, 4};

    @TempDir
    Path dataDir;

    /** A batch as the model knows it; {@code stamp} is its unique base timestamp. */
    private record ModelBatch(long base, long last, int epoch, long producerId, int lastSequence, boolean transactional,
            boolean control, long stamp) {
    }

    /** Thrown by the fsync ledger right after a chosen durable step: the process dies there. */
    private static final class Crash extends RuntimeException {
        Crash() {
            super("simulated crash", null, false, false);
        }
    }

    private final Map<Path, Long> synced = new ConcurrentHashMap<>();
    private int durableSteps;
    private int crashAtStep = -1;
    private final List<ModelBatch> model = new ArrayList<>();
    private long clock = T0;
    private long durableEnd;
    /** The log end the model expects (past its last batch after a crash inside a truncation). */
    private long modelEnd;
    private PartitionRegistry registry;
    private Partition partition;

    @Test
    void shouldMatchModelAcrossTruncationsCrashesAndPowerLosses() throws Exception {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("shouldMatchModelAcrossTruncationsCrashesAndPowerLosses seed=" + seed
                + " (rerun with -Dsurety.seed=" + seed + ")");
        Random random = new Random(seed);
        for (int round = 0; round < 6; round++) {
            Path dir = dataDir.resolve("events-0");
            if (Files.exists(dir)) {
                try (Stream<Path> files = Files.walk(dir)) {
                    for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                        Files.delete(file);
                    }
                }
            }
            model.clear();
            modelEnd = 0;
            synced.clear();
            durableEnd = 0;
            partition = open(true);
            int lastEpoch = partition.leaderEpoch();
            boolean truncatedSinceStart = false;
            Partition current = partition;
            for (int step = 0; step < 120; step++) {
                String context = "seed " + seed + " round " + round + " step " + step;
                int op = random.nextInt(100);
                if (op < 50) {
                    appendData(random);
                } else if (op < 60) {
                    appendMarker(random);
                } else if (op < 67) {
                    durableEnd = Math.max(durableEnd, partition.flush(clock));
                } else if (op < 72) {
                    partition.becomeLeader();
                } else if (op < 87) {
                    truncate(random, context);
                    // Kafka's truncation drops the epochs starting past the new end; on a cluster the
                    // next epoch then comes from the controller. Epochs must not go back otherwise.
                    truncatedSinceStart = true;
                } else if (op < 95) {
                    restart(random.nextBoolean(), modelEnd, context);
                } else {
                    partition.close(clock);
                    partition = open(true);
                    assertThat(partition.logEndOffset()).as(context).isEqualTo(modelEnd);
                    durableEnd = modelEnd;
                }
                if (!truncatedSinceStart) {
                    assertThat(partition.leaderEpoch()).as(context).isGreaterThanOrEqualTo(lastEpoch);
                }
                if (partition != current) {
                    truncatedSinceStart = false;
                    current = partition;
                }
                lastEpoch = partition.leaderEpoch();
                check(context);
            }
            partition.close(clock);
        }
    }

    private void appendData(Random random) throws Exception {
        long producerId = PRODUCERS[random.nextInt(PRODUCERS.length)];
        boolean transactional = producerId >= 3;
        int count = 1 + random.nextInt(4);
        SimpleRecord[] records = new SimpleRecord[count];
        long stamp = ++clock;
        for (int i = 0; i < count; i++) {
            records[i] = new SimpleRecord(stamp, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    "v".repeat(random.nextInt(120)).getBytes(StandardCharsets.UTF_8));
        }
        int sequence = lastSequence(producerId) + 1;
        MemoryRecords batch = producerId < 0 ? MemoryRecords.withRecords(Compression.NONE, records)
                : transactional ? MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, sequence, records)
                : MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence, records);
        long base = partition.logEndOffset();
        AppendOutcome outcome = partition.append(ProducedBatch.parse(batch), clock);
        assertThat(outcome.error()).as(outcome.message()).isEqualTo(Errors.NONE);
        model.add(new ModelBatch(base, base + count - 1, partition.leaderEpoch(), producerId,
                producerId < 0 ? -1 : sequence + count - 1, transactional, false, stamp));
        modelEnd = base + count;
    }

    private void appendMarker(Random random) throws Exception {
        List<Long> open = new ArrayList<>(openTransactions().keySet());
        if (open.isEmpty()) {
            return;
        }
        long producerId = open.get(random.nextInt(open.size()));
        long stamp = ++clock;
        long base = partition.logEndOffset();
        AppendOutcome outcome = partition.appendMarker(producerId, (short) 0, random.nextBoolean(), stamp);
        assertThat(outcome.error()).isEqualTo(Errors.NONE);
        model.add(new ModelBatch(base, base, partition.leaderEpoch(), producerId, -1, true, true, stamp));
        modelEnd = base + 1;
    }

    private void truncate(Random random, String context) throws Exception {
        long start = partition.logStartOffset();
        long offset = start + (long) (random.nextDouble() * (partition.logEndOffset() - start + 1));
        // The start of the batch holding the offset, or the offset itself in a gap (a crash in an
        // earlier truncation may leave the log end past its last batch).
        long expectedEnd = model.stream().filter(b -> b.base() <= offset && b.last() >= offset)
                .mapToLong(ModelBatch::base).findFirst().orElse(Math.min(offset, partition.logEndOffset()));
        boolean crash = random.nextInt(3) == 0;
        if (crash) {
            crashAtStep = durableSteps + 1 + random.nextInt(8);
        }
        try {
            long newEnd = partition.truncateTo(offset);
            crashAtStep = -1;
            assertThat(newEnd).as(context + " truncate to " + offset).isEqualTo(expectedEnd);
            model.removeIf(b -> b.last() >= offset);
            modelEnd = newEnd;
            durableEnd = Math.min(durableEnd, newEnd);
            if (crash) {
                restart(random.nextBoolean(), newEnd, context + " after truncation to " + offset);
            }
        } catch (Crash e) {
            crashAtStep = -1;
            // The truncation stopped after a durable step: the log may end anywhere from the new end up.
            durableEnd = Math.min(durableEnd, expectedEnd);
            restart(random.nextBoolean(), expectedEnd, context + " crashed truncating to " + offset);
        }
    }

    /**
     * A crash: the partition is dropped without closing, optionally followed by a power loss, and
     * opened again. Its log must be a prefix of the model reaching at least {@code mustReach} (at
     * least the durable end after a power loss); the model becomes that prefix.
     */
    private void restart(boolean powerLoss, long mustReach, String context) throws IOException {
        if (powerLoss) {
            powerLoss();
        }
        partition = open(false);
        long recovered = partition.logEndOffset();
        long floor = powerLoss ? Math.min(mustReach, durableEnd) : mustReach;
        assertThat(recovered).as(context + (powerLoss ? " (power loss)" : " (crash)")).isGreaterThanOrEqualTo(floor)
                .isLessThanOrEqualTo(modelEnd);
        List<ModelBatch> recoveredBatches = batches();
        int highestBatchEpoch = recoveredBatches.stream().mapToInt(ModelBatch::epoch).max().orElse(-1);
        assertThat(partition.leaderEpoch()).as(context + " new epoch").isGreaterThan(highestBatchEpoch);
        assertThat(recoveredBatches.size()).as(context).isLessThanOrEqualTo(model.size());
        model.subList(recoveredBatches.size(), model.size()).clear();
        modelEnd = recovered;
        durableEnd = recovered;
    }

    private void check(String context) throws IOException {
        assertThat(batches()).as(context).isEqualTo(model);
        long end = partition.logEndOffset();
        assertThat(end).as(context + " log end").isEqualTo(modelEnd);
        for (ModelBatch batch : model) {
            assertThat(partition.epochForOffset(batch.base())).as(context + " epoch of " + batch).isEqualTo(batch.epoch());
            var answer = partition.endOffsetForEpoch(batch.epoch());
            assertThat(answer.epoch()).as(context).isEqualTo(batch.epoch());
            long nextEpochStart = model.stream().filter(b -> b.epoch() > batch.epoch()).mapToLong(ModelBatch::base)
                    .min().orElse(end);
            assertThat(answer.endOffset()).as(context + " end of epoch " + batch.epoch())
                    .isGreaterThan(batch.last()).isLessThanOrEqualTo(nextEpochStart);
            assertThat(batch.epoch()).isLessThanOrEqualTo(partition.leaderEpoch());
        }
        for (long producerId : PRODUCERS) {
            if (producerId >= 0) {
                assertThat(partition.lastSequence(producerId)).as(context + " producer " + producerId)
                        .isEqualTo(lastSequence(producerId));
            }
        }
        long lastStable = openTransactions().values().stream().mapToLong(Long::longValue).min()
                .orElse(partition.highWatermark());
        assertThat(partition.lastStableOffset()).as(context + " last stable offset").isEqualTo(lastStable);
    }

    private List<ModelBatch> batches() throws IOException {
        List<ModelBatch> out = new ArrayList<>();
        partition.log().scanBatches((BatchHeader h, java.nio.ByteBuffer control) -> out.add(new ModelBatch(h.baseOffset(),
                h.lastOffset(), h.partitionLeaderEpoch(), h.producerId(), h.isControl() || !h.hasProducerId() ? -1
                : h.lastSequence(), h.isTransactional(), h.isControl(), h.baseTimestamp())));
        return out;
    }

    private int lastSequence(long producerId) {
        int last = -1;
        for (ModelBatch batch : model) {
            if (batch.producerId() == producerId && !batch.control()) {
                last = batch.lastSequence();
            }
        }
        return last;
    }

    /** Producer id → first offset of its open transaction, from the model's batches. */
    private Map<Long, Long> openTransactions() {
        Map<Long, Long> open = new HashMap<>();
        for (ModelBatch batch : model) {
            if (batch.control()) {
                open.remove(batch.producerId());
            } else if (batch.transactional()) {
                open.putIfAbsent(batch.producerId(), batch.base());
            }
        }
        return open;
    }

    /** Every file cut back to the length last recorded for it; a segment never recorded to 0 bytes. */
    private void powerLoss() throws IOException {
        try (Stream<Path> files = Files.list(dataDir.resolve("events-0"))) {
            for (Path file : files.toList()) {
                Long length = synced.get(file.toAbsolutePath());
                boolean segment = file.getFileName().toString().matches("\\d{20}\\.log");
                long keep = length != null ? length : segment ? 0 : Long.MAX_VALUE;
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
                    if (channel.size() > keep) {
                        channel.truncate(keep);
                    }
                }
            }
        }
    }

    private Partition open(boolean cleanShutdown) throws IOException {
        FsyncLedger ledger = (file, length) -> {
            synced.put(file.toAbsolutePath(), length);
            durableSteps++;
            if (crashAtStep >= 0 && durableSteps >= crashAtStep) {
                crashAtStep = -1;
                throw new Crash();
            }
        };
        registry = new PartitionRegistry(dataDir, LogEnvironment.of(ledger, (close, delayMs) -> close.run(), false),
                Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC), tp -> { });
        return registry.open(TP, ID, TopicConfig.of(BrokerConfig.of(Map.of()), Map.of(TopicConfig.SEGMENT_BYTES, "1024",
                TopicConfig.INDEX_INTERVAL_BYTES, "200")), cleanShutdown);
    }
}
