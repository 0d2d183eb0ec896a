package io.surety.broker.cleaner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.Log;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.SegmentSwap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner against its specification, on a log of its own with a manual clock: random keyed
 * updates and deletes, cleaning passes at random moments (some with a key map too small for the
 * dirty section), and after every pass the checks of {@link CompactionModel}. A second property
 * crashes a pass at every step of its segment swaps and checks that the reopened log holds, for
 * each segment group, exactly the old records or exactly the cleaned ones.
 */
class LogCleanerTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final long DELETE_RETENTION_MS = 1_000;
    private static final Log.SegmentCloser CLOSE_NOW = (close, delayMs) -> close.run();

    @TempDir
    Path dir;

    @Test
    void shouldKeepLatestValuePerKeyAtOriginalOffsetsWhenCleaningRandomUpdatesAndDeletes() throws Exception {
        long firstSeed = Long.getLong("surety.seed", System.nanoTime());
        int seeds = Integer.getInteger("surety.cleaner.seeds", 50);
        System.out.println("LogCleanerTest property: seeds " + firstSeed + " .. " + (firstSeed + seeds - 1)
                + " (rerun one with -Dsurety.seed=<seed> -Dsurety.cleaner.seeds=1)");
        long passes = 0;
        long bytesBefore = 0;
        long bytesAfter = 0;
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            long[] totals = runRandomHistory(seed);
            passes += totals[0];
            bytesBefore += totals[1];
            bytesAfter += totals[2];
        }
        System.out.println("LogCleanerTest property: " + seeds + " seeds, " + passes + " passes, rewritten groups "
                + bytesBefore + " -> " + bytesAfter + " bytes");
        assertThat(passes).isGreaterThan(seeds);
        assertThat(bytesAfter).isLessThan(bytesBefore);
    }

    /** One random history; returns {passes, bytes before, bytes after}. */
    private long[] runRandomHistory(long seed) throws Exception {
        Random random = new Random(seed);
        Path logDir = Files.createDirectory(dir.resolve("seed-" + seed));
        Log log = open(logDir, true);
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        int keySpace = 3 + random.nextInt(60);
        // Some seeds get a key map of only a few dozen keys, so passes clean a prefix of the dirty section.
        long mapBytes = random.nextInt(3) == 0 ? (10 + random.nextInt(40)) * (long) KeyOffsetMap.BYTES_PER_SLOT : 1 << 20;
        KeyOffsetMap map = new KeyOffsetMap(mapBytes, 0.9);
        long now = T0;
        long[] totals = new long[3];
        int steps = 150 + random.nextInt(250);
        for (int step = 0; step < steps; step++) {
            appendRandomBatch(log, model, random, keySpace, now);
            now += random.nextInt(random.nextInt(10) == 0 ? 3 * (int) DELETE_RETENTION_MS : 100);
            if (random.nextInt(12) == 0) {
                passAndCheck(log, model, map, now, "seed " + seed + " step " + step, totals);
            }
        }
        now += 2 * DELETE_RETENTION_MS;
        passAndCheck(log, model, map, now, "seed " + seed + " final", totals);
        passAndCheck(log, model, map, now + 1, "seed " + seed + " final again", totals);
        log.close(now);
        Log reopened = open(logDir, false);
        model.check(reopened, now + 1, reopened.firstDirtyOffset(), "seed " + seed + " reopened");
        reopened.close(now);
        return totals;
    }

    private void passAndCheck(Log log, CompactionModel model, KeyOffsetMap map, long now, String context, long[] totals)
            throws IOException {
        CompactionTarget target = new LogOnly(log);
        CleanableSection section = CleanableSection.of(target, now);
        if (section == null) {
            return;
        }
        CleaningReport report = new CleaningPass(target, map, new Throttler(Double.MAX_VALUE), now, SegmentSwap.Hook.NONE)
                .run(section);
        assertThat(report.completed()).as(context).isTrue();
        assertThat(report.cleanedUpTo()).as(context).isEqualTo(log.firstDirtyOffset());
        model.cleaned(report, now);
        model.check(log, now, log.firstDirtyOffset(), context + " (cleaned up to " + report.cleanedUpTo() + ")");
        totals[0]++;
        totals[1] += report.bytesBefore();
        totals[2] += report.bytesAfter();
    }

    private static void appendRandomBatch(Log log, CompactionModel model, Random random, int keySpace, long now)
            throws IOException {
        int records = 1 + random.nextInt(4);
        List<Integer> keys = new ArrayList<>();
        List<Boolean> tombstones = new ArrayList<>();
        for (int i = 0; i < records; i++) {
            keys.add(random.nextInt(keySpace));
            tombstones.add(random.nextInt(6) == 0);
        }
        Compression compression = random.nextInt(4) == 0 ? Compression.gzip().build() : Compression.NONE;
        model.append(log, keys, tombstones, now, compression);
    }

    @Test
    void shouldLeaveOldOrNewSegmentsOfEachGroupWhenCrashedAtEverySwapStep() throws Exception {
        long firstSeed = Long.getLong("surety.seed", System.nanoTime());
        int seeds = Integer.getInteger("surety.cleaner.crash.seeds", 4);
        System.out.println("LogCleanerTest crash: seeds " + firstSeed + " .. " + (firstSeed + seeds - 1));
        int crashes = 0;
        for (long seed = firstSeed; seed < firstSeed + seeds; seed++) {
            crashes += crashAtEveryStep(seed);
        }
        System.out.println("LogCleanerTest crash: " + seeds + " seeds, " + crashes + " crashed swaps recovered");
        assertThat(crashes).isGreaterThan(seeds * 3);
    }

    /** Builds a random log, then crashes a pass over a copy of it at step 1, 2, ... until a pass completes. */
    private int crashAtEveryStep(long seed) throws Exception {
        Random random = new Random(seed);
        Path original = Files.createDirectory(dir.resolve("crash-" + seed));
        Log log = open(original, true);
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        long now = T0;
        int keySpace = 3 + random.nextInt(30);
        for (int step = 0; step < 60 + random.nextInt(120); step++) {
            appendRandomBatch(log, model, random, keySpace, now);
            now += random.nextInt(50);
        }
        // A first pass now and one after the delete horizon, so the crashed pass also removes tombstones.
        cleanFully(log, now);
        now += 2 * DELETE_RETENTION_MS;
        for (int step = 0; step < 40; step++) {
            appendRandomBatch(log, model, random, keySpace, now);
        }
        log.close(now);

        List<CompactionModel.Entry> before = readAllOf(original);
        Path cleanCopy = copy(original, "clean-" + seed);
        Log expectedLog = open(cleanCopy, true);
        CleaningReport expected = cleanFully(expectedLog, now);
        List<CompactionModel.Entry> after = CompactionModel.readAll(expectedLog);
        expectedLog.close(now);
        assertThat(expected.groups()).as("seed " + seed).isNotEmpty();

        int crashes = 0;
        for (int crashAt = 1; ; crashAt++) {
            Path crashed = copy(original, "crash-" + seed + "-at-" + crashAt);
            Log victim = open(crashed, true);
            AtomicInteger calls = new AtomicInteger();
            int at = crashAt;
            SegmentSwap.Hook crash = step -> {
                if (calls.incrementAndGet() == at) {
                    throw new IOException("crash after " + step);
                }
            };
            CleanableSection section = CleanableSection.of(new LogOnly(victim), now);
            try {
                new CleaningPass(new LogOnly(victim), new KeyOffsetMap(1 << 20, 0.9), new Throttler(Double.MAX_VALUE), now,
                        crash).run(section);
                victim.close(now);
                break;
            } catch (IOException e) {
                victim.closeWithoutFlush();
            }
            crashes++;
            String context = "seed " + seed + " crash at swap step " + crashAt;
            Log recovered = open(crashed, false);
            List<CompactionModel.Entry> read = CompactionModel.readAll(recovered);
            long covered = 0;
            for (long[] group : expected.groups()) {
                List<CompactionModel.Entry> got = CompactionModel.between(read, group[0], group[1]);
                assertThat(got).as(context + ": group [" + group[0] + ", " + group[1] + ") is old or new")
                        .satisfiesAnyOf(g -> assertThat(g).isEqualTo(CompactionModel.between(before, group[0], group[1])),
                                g -> assertThat(g).isEqualTo(CompactionModel.between(after, group[0], group[1])));
                covered = group[1];
            }
            assertThat(CompactionModel.between(read, covered, Long.MAX_VALUE)).as(context)
                    .isEqualTo(CompactionModel.between(before, covered, Long.MAX_VALUE));
            try (Stream<Path> files = Files.list(crashed)) {
                assertThat(files.map(p -> p.getFileName().toString()))
                        .as(context + ": no swap leftovers").noneMatch(n -> n.endsWith(".cleaned") || n.endsWith(".swap"));
            }
            // The recovered log cleans to the same result.
            cleanFully(recovered, now);
            assertThat(CompactionModel.readAll(recovered)).as(context + ": cleaned after recovery").isEqualTo(after);
            recovered.close(now);
        }
        return crashes;
    }

    @Test
    void shouldNeverCleanActiveSegmentOrPastMinCompactionLag() throws Exception {
        Log log = open(dir, true, Map.of(TopicConfig.MIN_COMPACTION_LAG_MS, "10000"));
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        for (int i = 0; i < 100; i++) {
            model.append(log, List.of(i % 3), List.of(false), T0 + i * 100L, Compression.NONE);
        }
        assertThat(CleanableSection.of(new LogOnly(log), T0 + 10_000)).isNull();
        CleanableSection section = CleanableSection.of(new LogOnly(log), T0 + 15_000);
        assertThat(section.segments()).isNotEmpty();
        assertThat(section.endOffset()).isLessThanOrEqualTo(50).isLessThanOrEqualTo(log.activeSegmentBaseOffset());
        CleaningReport report = new CleaningPass(new LogOnly(log), new KeyOffsetMap(1 << 20, 0.9),
                new Throttler(Double.MAX_VALUE), T0 + 15_000, SegmentSwap.Hook.NONE).run(section);
        model.cleaned(report, T0 + 15_000);
        model.check(log, T0 + 15_000, report.cleanedUpTo(), "lag");
        assertThat(CompactionModel.readAll(log)).filteredOn(e -> e.offset() >= report.cleanedUpTo()).hasSize(
                (int) (100 - report.cleanedUpTo()));
        log.close(T0);
    }

    @Test
    void shouldRefuseToCleanWhenOneBatchHasMoreKeysThanTheMapHolds() throws Exception {
        Log log = open(dir, true);
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        List<Integer> keys = java.util.stream.IntStream.range(0, 20).boxed().toList();
        List<Boolean> values = keys.stream().map(k -> false).toList();
        for (int i = 0; i < 30; i++) {
            model.append(log, keys, values, T0, Compression.NONE);
        }
        CleanableSection section = CleanableSection.of(new LogOnly(log), T0);
        assertThatThrownBy(() -> new CleaningPass(new LogOnly(log), new KeyOffsetMap(5 * KeyOffsetMap.BYTES_PER_SLOT, 0.9),
                new Throttler(Double.MAX_VALUE), T0, SegmentSwap.Hook.NONE).run(section))
                .hasMessageContaining("log.cleaner.dedupe.buffer.size");
        model.check(log, T0, 0, "untouched");
        log.close(T0);
    }

    @Test
    void shouldKeepSlicesTakenBeforeASwapReadableUntilTheDeleteDelay() throws Exception {
        List<Runnable> deferredCloses = new ArrayList<>();
        Map<String, String> overrides = Map.of(TopicConfig.CLEANUP_POLICY, "compact", TopicConfig.SEGMENT_BYTES, "1024",
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0");
        Log log = Log.open(dir, TopicConfig.of(BrokerConfig.of(Map.of()), overrides),
                LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> deferredCloses.add(close), false), true, T0,
                header -> { });
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        for (int i = 0; i < 80; i++) {
            model.append(log, List.of(i % 4), List.of(false), T0, Compression.NONE);
        }
        List<CompactionModel.Entry> before = CompactionModel.readAll(log);
        io.surety.broker.log.ReadResult inFlight = log.read(0, 1 << 20, true);
        java.nio.ByteBuffer expectedBytes = java.nio.ByteBuffer.allocate(inFlight.sizeInBytes());
        inFlight.slice().channel().read(expectedBytes, inFlight.slice().position());

        CleaningReport report = cleanFully(log, T0);
        assertThat(report.bytesAfter()).isLessThan(report.bytesBefore());
        assertThat(deferredCloses).isNotEmpty();
        java.nio.ByteBuffer stillThere = java.nio.ByteBuffer.allocate(inFlight.sizeInBytes());
        inFlight.slice().channel().read(stillThere, inFlight.slice().position());
        assertThat(stillThere.flip()).as("a send of the old file finishes after the swap").isEqualTo(expectedBytes.flip());
        assertThat(CompactionModel.readAll(log)).hasSizeLessThan(before.size());
        deferredCloses.forEach(Runnable::run);
        log.close(T0);
    }

    @Test
    void shouldKeepBatchUnchangedWhenRebuildingItWouldExceedTheRecoverableBatchSize() throws Exception {
        // max.message.bytes 1100 and segment.bytes 1024: recovery accepts batches up to 1112 bytes.
        Log log = open(dir, true, Map.of(TopicConfig.MAX_MESSAGE_BYTES, "1100"));
        int limit = log.largestRecoverableBatch();
        // Tombstones written long before the pass: stamping the delete horizon as the base
        // timestamp turns each record's one-byte timestamp delta into a five-byte one.
        long written = T0 - 2_000_000_000L;
        List<org.apache.kafka.common.record.internal.SimpleRecord> tombstones = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            tombstones.add(new org.apache.kafka.common.record.internal.SimpleRecord(written,
                    String.format(java.util.Locale.ROOT, "k%03d", i).getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    null));
        }
        java.nio.ByteBuffer big = org.apache.kafka.common.record.internal.MemoryRecords.withRecords(0, Compression.NONE,
                tombstones.toArray(new org.apache.kafka.common.record.internal.SimpleRecord[0])).buffer();
        int originalSize = big.remaining();
        assertThat(originalSize).isBetween(1024, limit);
        log.append(io.surety.broker.log.BatchHeader.read(big, big.position()), big, written);
        CompactionModel model = new CompactionModel(DELETE_RETENTION_MS);
        for (int i = 0; i < 20; i++) {
            model.append(log, List.of(1000 + i % 3), List.of(false), T0, Compression.NONE);
        }
        assertThat(log.closedSegments().get(0).sizeInBytes()).isEqualTo(originalSize);

        CleaningReport report = cleanFully(log, T0);
        assertThat(report.completed()).isTrue();
        assertThat(log.closedSegments().get(0).sizeInBytes()).as("the tombstone batch is kept as it was")
                .isEqualTo(originalSize);
        long tombstonesRead = CompactionModel.readAll(log).stream().filter(e -> e.offset() < 90).count();
        assertThat(tombstonesRead).isEqualTo(90);
        long end = log.logEndOffset();
        log.closeWithoutFlush();

        Log reopened = open(dir, false, Map.of(TopicConfig.MAX_MESSAGE_BYTES, "1100"));
        assertThat(reopened.logEndOffset()).as("recovery keeps every segment").isEqualTo(end);
        assertThat(CompactionModel.readAll(reopened).stream().filter(e -> e.offset() < 90).count()).isEqualTo(90);
        reopened.close(T0);
    }

    // ---------------------------------------------------------------- helpers

    private CleaningReport cleanFully(Log log, long now) throws IOException {
        CompactionTarget target = new LogOnly(log);
        CleanableSection section = CleanableSection.of(target, now);
        return new CleaningPass(target, new KeyOffsetMap(1 << 20, 0.9), new Throttler(Double.MAX_VALUE), now,
                SegmentSwap.Hook.NONE).run(section);
    }

    private List<CompactionModel.Entry> readAllOf(Path logDir) throws IOException {
        Log log = open(logDir, true);
        List<CompactionModel.Entry> entries = CompactionModel.readAll(log);
        log.close(T0);
        return entries;
    }

    private Path copy(Path from, String name) throws IOException {
        Path to = Files.createDirectory(dir.resolve(name));
        try (Stream<Path> files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
        return to;
    }

    private static Log open(Path logDir, boolean cleanShutdown) throws IOException {
        return open(logDir, cleanShutdown, Map.of());
    }

    private static Log open(Path logDir, boolean cleanShutdown, Map<String, String> more) throws IOException {
        Map<String, String> overrides = new java.util.HashMap<>(Map.of(
                TopicConfig.CLEANUP_POLICY, "compact",
                TopicConfig.SEGMENT_BYTES, "1024",
                TopicConfig.INDEX_INTERVAL_BYTES, "200",
                TopicConfig.DELETE_RETENTION_MS, Long.toString(DELETE_RETENTION_MS),
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0"));
        overrides.putAll(more);
        TopicConfig config = TopicConfig.of(BrokerConfig.of(Map.of()), overrides);
        return Log.open(logDir, config, LogEnvironment.of(FsyncLedger.NONE, CLOSE_NOW, false), cleanShutdown, T0,
                header -> { });
    }

    /** A log without transactions or producer state: everything up to the high watermark is stable. */
    record LogOnly(Log log) implements CompactionTarget {
        @Override
        public long lastStableOffset() {
            return log.highWatermark();
        }

        @Override
        public List<long[]> abortedTransactions(long from, long to) {
            return List.of();
        }

        @Override
        public void swapFailedAfterCommit(IOException failure) {
        }

        @Override
        public void forgetAbortedTransactions(List<long[]> markers) {
            assertThat(markers).as("a log without transactions has no ABORT markers").isEmpty();
        }

        @Override
        public Map<Long, Long> producerLastDataOffsets() {
            return Map.of();
        }

        @Override
        public String name() {
            return log.dir().getFileName().toString();
        }
    }
}
