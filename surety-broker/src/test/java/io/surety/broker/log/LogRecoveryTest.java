package io.surety.broker.log;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recovery's one judgement: a torn tail (damage in the last segment, nothing valid after it) is
 * cut at open; anything else is corruption, which leaves every file as it is and the log offline
 * ({@link Log#damage()}) until {@link Log#truncateCorruption} cuts it. Every record's value names
 * its offset; garbage is seeded and the seed printed.
 */
class LogRecoveryTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final Log.SegmentCloser CLOSE_NOW = (close, delayMs) -> close.run();

    @TempDir
    Path dir;

    private final Map<String, String> overrides = new HashMap<>(Map.of(
            TopicConfig.SEGMENT_BYTES, Integer.toString(1 << 20),
            TopicConfig.INDEX_INTERVAL_BYTES, "200"));

    @Test
    void shouldCutTornTailWhenGarbageFollowsTheLastBatchOfTheLastSegment() throws Exception {
        Log log = open(false);
        appendBatches(log, 10);
        log.flush(T0);
        log.checkpointRecoveryPoint();
        log.close(T0);
        Path segment = lastSegmentFile();
        long size = Files.size(segment);
        writeAt(segment, size, garbage(300, "shouldCutTornTailWhenGarbageFollowsTheLastBatchOfTheLastSegment"));

        Log recovered = open(false);

        assertThat(recovered.damage()).isEmpty();
        assertThat(recovered.logEndOffset()).isEqualTo(30);
        assertThat(Files.size(segment)).isEqualTo(size);
        assertThat(valuesOf(recovered)).hasSize(30);
        recovered.close(T0);
    }

    @Test
    void shouldKeepFilesAndStayOfflineWhenMidSegmentDamageIsFollowedByValidBatches() throws Exception {
        Log log = open(false);
        appendBatches(log, 10);
        log.flush(T0);
        log.checkpointRecoveryPoint();
        log.close(T0);
        Path segment = lastSegmentFile();
        List<long[]> batches = batchesInFile(segment);
        // From the middle of batch 3 across the header of batch 4: batches 5.. stay valid.
        long from = batches.get(3)[0] + batches.get(3)[1] / 2;
        writeAt(segment, from, garbage((int) (batches.get(4)[0] + 30 - from), "mid-segment"));
        byte[] damaged = Files.readAllBytes(segment);
        String recoveryPoint = Files.readString(dir.resolve("recovery-point"));

        for (boolean cleanShutdown : new boolean[] {false, true}) {
            Log recovered = open(cleanShutdown);
            LogDamage damage = recovered.damage().orElseThrow();
            assertThat(damage.file()).isEqualTo(segment);
            assertThat(damage.position()).as("clean shutdown %s", cleanShutdown).isEqualTo(batches.get(3)[0]);
            assertThat(damage.firstOffset()).isEqualTo(9);
            assertThat(damage.endOffset()).isEqualTo(30);
            assertThat(damage.bytes()).isEqualTo(damaged.length - batches.get(3)[0]);
            assertThat(damage.validBatchAfter()).isTrue();
            assertThat(damage.offlineReason()).contains("position " + batches.get(3)[0])
                    .contains("offsets [9, 30)").contains("bin/surety recover --truncate " + dir.getFileName());
            assertThat(recovered.logEndOffset()).isEqualTo(9);
            recovered.close(T0);
            assertThat(Files.readAllBytes(segment)).as("the damaged file is untouched").isEqualTo(damaged);
            assertThat(Files.readString(dir.resolve("recovery-point"))).isEqualTo(recoveryPoint);
        }

        LogDamage cut = Log.truncateCorruption(dir, config(), false).orElseThrow();
        assertThat(cut.offsetRange()).isEqualTo("[9, 30)");
        assertThat(Files.size(segment)).isEqualTo(batches.get(3)[0]);
        Log served = open(false);
        assertThat(served.damage()).isEmpty();
        List<String> values = valuesOf(served);
        assertThat(values).hasSize(9);
        for (int i = 0; i < values.size(); i++) {
            assertThat(values.get(i)).startsWith(i + ":");
        }
        appendBatches(served, 1);
        assertThat(served.logEndOffset()).isEqualTo(12);
        served.close(T0);
        assertThat(Log.truncateCorruption(dir, config(), false)).as("nothing left to cut").isEmpty();
    }

    @Test
    void shouldKeepWholeSegmentWhenItsFirstBatchIsDamagedAndLaterOnesAreValid() throws Exception {
        Log log = open(false);
        appendBatches(log, 6);
        log.close(T0);
        Path segment = lastSegmentFile();
        flipByte(segment, 40);
        byte[] damaged = Files.readAllBytes(segment);

        Log recovered = open(false);

        LogDamage damage = recovered.damage().orElseThrow();
        assertThat(damage.position()).isZero();
        assertThat(damage.offsetRange()).isEqualTo("[0, 18)");
        assertThat(recovered.logEndOffset()).isZero();
        recovered.close(T0);
        assertThat(Files.readAllBytes(segment)).isEqualTo(damaged);
        assertThat(segmentFiles()).hasSize(1);
    }

    @Test
    void shouldTreatDamageInEarlierSegmentAsCorruptionAndCutLaterSegmentsOnlyWhenAsked() throws Exception {
        overrides.put(TopicConfig.SEGMENT_BYTES, "1024");
        Log log = open(false);
        appendBatches(log, 20);
        log.flush(T0);
        log.checkpointRecoveryPoint();
        log.close(T0);
        List<Path> files = segmentFiles();
        assertThat(files).hasSizeGreaterThan(2);
        Path first = files.get(0);
        List<long[]> batches = batchesInFile(first);
        long[] last = batches.get(batches.size() - 1);
        // The tail of a closed segment: nothing valid follows in that file, but later segments exist.
        writeAt(first, last[0] + 20, garbage((int) (last[1] - 20), "earlier-segment"));
        long totalBytes = 0;
        for (Path file : files) {
            totalBytes += Files.size(file);
        }

        Log recovered = open(false);
        LogDamage damage = recovered.damage().orElseThrow();
        assertThat(damage.lastSegment()).isFalse();
        assertThat(damage.firstOffset()).isEqualTo(batches.size() > 1 ? batches.get(batches.size() - 2)[2] : 0);
        assertThat(damage.endOffset()).isEqualTo(60);
        assertThat(damage.bytes()).isEqualTo(totalBytes - last[0]);
        recovered.close(T0);
        assertThat(segmentFiles()).isEqualTo(files);

        LogDamage cut = Log.truncateCorruption(dir, config(), true).orElseThrow();
        assertThat(cut.firstOffset()).isEqualTo(damage.firstOffset());
        assertThat(segmentFiles()).hasSize(2);
        Log served = open(false);
        assertThat(served.damage()).isEmpty();
        assertThat(served.logEndOffset()).isEqualTo(damage.firstOffset());
        assertThat(valuesOf(served)).hasSize((int) damage.firstOffset());
        appendBatches(served, 2);
        assertThat(valuesOf(served)).hasSize((int) damage.firstOffset() + 6);
        served.close(T0);
    }

    private Log open(boolean cleanShutdown) throws IOException {
        return Log.open(dir, config(), LogEnvironment.of(FsyncLedger.NONE, CLOSE_NOW, false), cleanShutdown, T0,
                header -> { });
    }

    private TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), overrides);
    }

    /** Appends {@code count} batches of 3 records; each value is "offset:" plus padding. */
    private static void appendBatches(Log log, int count) throws IOException {
        for (int b = 0; b < count; b++) {
            long base = log.logEndOffset();
            SimpleRecord[] records = new SimpleRecord[3];
            for (int i = 0; i < records.length; i++) {
                records[i] = new SimpleRecord(T0, ("k" + (base + i)).getBytes(StandardCharsets.UTF_8),
                        ((base + i) + ":" + "x".repeat(40)).getBytes(StandardCharsets.UTF_8));
            }
            ByteBuffer bytes = MemoryRecords.withRecords(base, Compression.NONE, records).buffer();
            log.append(BatchHeader.read(bytes, bytes.position()), bytes, T0);
        }
    }

    /** Every record value from the log start to the high watermark. */
    private static List<String> valuesOf(Log log) throws Exception {
        List<String> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.highWatermark()) {
            FileSlice slice = log.read(offset, 4096, true).slice();
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
            SegmentFiles.readFully(slice.channel(), bytes, slice.position());
            bytes.flip();
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
                assertThat(batch.isValid()).isTrue();
                batch.forEach(record -> out.add(StandardCharsets.UTF_8.decode(record.value()).toString()));
                offset = batch.nextOffset();
            }
        }
        return out;
    }

    private static byte[] garbage(int length, String test) {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println(test + " seed=" + seed + " (rerun with -Dsurety.seed=" + seed + ")");
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(SegmentFiles.LOG_SUFFIX)).sorted().toList();
        }
    }

    private Path lastSegmentFile() throws IOException {
        List<Path> files = segmentFiles();
        return files.get(files.size() - 1);
    }

    /** The batches of a segment file as {position, size, next offset}, read with kafka-clients. */
    private static List<long[]> batchesInFile(Path file) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file));
        List<long[]> out = new ArrayList<>();
        long position = 0;
        for (RecordBatch batch : MemoryRecords.readableRecords(bytes).batches()) {
            out.add(new long[] {position, batch.sizeInBytes(), batch.nextOffset()});
            position += batch.sizeInBytes();
        }
        return out;
    }

    private static void writeAt(Path file, long position, byte[] bytes) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.write(ByteBuffer.wrap(bytes), position);
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        byte[] all = Files.readAllBytes(file);
        writeAt(file, position, new byte[] {(byte) (all[(int) position] ^ 0x10)});
        assertThat(Arrays.equals(all, Files.readAllBytes(file))).isFalse();
    }
}
