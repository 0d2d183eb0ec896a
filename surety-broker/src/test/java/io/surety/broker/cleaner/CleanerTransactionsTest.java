package io.surety.broker.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FileSlice;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.Log;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.ReadResult;
import io.surety.broker.log.SegmentSwap;
import io.surety.broker.partition.AppendOutcome;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.producer.AbortedTransactions;
import io.surety.broker.record.ProducedBatch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cleaner on a real partition with idempotent and transactional producers: aborted data goes
 * and never hides committed data, markers stay while their transaction has data and after that
 * until their delete horizon, and every producer's last batch stays (emptied if need be), so the
 * producer state rebuilt from the cleaned log still knows each producer's last sequence and no
 * transaction is left open.
 */
class CleanerTransactionsTest {

    private static final long T0 = 1_700_000_000_000L;
    private static final TopicPartition TP = new TopicPartition("txn-compacted", 0);
    private static final long COMMITTER = 1;
    private static final long ABORTER = 2;
    private static final long IDEMPOTENT = 3;
    private static final long SUPERSEDED = 4;

    @TempDir
    Path dataDir;

    @Test
    void shouldDropAbortedDataKeepMarkersAndProducerStateWhenCleaningTransactions() throws Exception {
        PartitionRegistry registry = registry();
        Partition partition = registry.open(TP, Uuid.randomUuid(), config(), true);

        append(partition, transactional(COMMITTER, 0, "a", "committed-a", "b", "committed-b"));
        marker(partition, COMMITTER, true);
        append(partition, transactional(ABORTER, 0, "a", "aborted-a", "c", "aborted-c"));
        marker(partition, ABORTER, false);
        append(partition, transactional(ABORTER, 2, "d", "committed-d"));
        marker(partition, ABORTER, true);
        append(partition, idempotent(IDEMPOTENT, 0, "b", "first-b"));
        append(partition, idempotent(IDEMPOTENT, 1, "e", "only-e"));
        append(partition, idempotent(IDEMPOTENT, 2, "b", "last-b"));
        append(partition, idempotent(SUPERSEDED, 0, "g", "hidden-g"));
        for (int i = 0; i < 40; i++) {
            append(partition, plain("filler-" + (i % 5), "x".repeat(60)));
        }
        append(partition, plain("g", "latest-g"));
        for (int i = 0; i < 20; i++) {
            append(partition, plain("filler-" + (i % 5), "y".repeat(60)));
        }
        int producersBefore = partition.producerIdCount();

        clean(partition, T0);
        Map<String, String> values = latestValues(partition.log());
        assertThat(values).containsEntry("a", "committed-a").containsEntry("b", "last-b").containsEntry("d", "committed-d")
                .containsEntry("e", "only-e").containsEntry("g", "latest-g").doesNotContainKey("c");
        assertThat(recordValues(partition.log())).doesNotContain("aborted-a", "aborted-c", "first-b", "hidden-g");
        assertThat(markers(partition.log())).containsExactly(
                COMMITTER + ":COMMIT", ABORTER + ":ABORT", ABORTER + ":COMMIT");

        // After delete.retention.ms the marker of the aborted transaction (no data left) goes; the
        // commit markers stay, their transactions' batches are still there.
        clean(partition, T0 + 2_000);
        assertThat(markers(partition.log())).containsExactly(COMMITTER + ":COMMIT", ABORTER + ":COMMIT");
        assertThat(latestValues(partition.log())).isEqualTo(values);

        long highWatermark = partition.highWatermark();
        registry.closeAll();
        Partition reopened = registry().open(TP, Uuid.randomUuid(), config(), false);
        assertThat(reopened.lastStableOffset()).as("no transaction left open").isEqualTo(highWatermark);
        assertThat(reopened.producerIdCount()).isEqualTo(producersBefore);
        assertThat(reopened.lastSequence(COMMITTER)).isEqualTo(1);
        assertThat(reopened.lastSequence(ABORTER)).isEqualTo(2);
        assertThat(reopened.lastSequence(IDEMPOTENT)).isEqualTo(2);
        assertThat(reopened.lastSequence(SUPERSEDED)).as("kept as an empty batch").isEqualTo(0);
        AppendOutcome duplicate = reopened.append(ProducedBatch.parse(idempotent(IDEMPOTENT, 2, "b", "last-b")), T0);
        assertThat(duplicate.error()).isEqualTo(Errors.NONE);
        assertThat(duplicate.endOffset()).as("a retried last batch is still recognised").isLessThan(highWatermark);
        assertThat(reopened.append(ProducedBatch.parse(idempotent(SUPERSEDED, 5, "g", "gap")), T0).error())
                .isEqualTo(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER);
    }

    @Test
    void shouldForgetAbortedTransactionWhenCleanerRemovesItsMarkerSoLaterCommittedBatchesAreRead() throws Exception {
        PartitionRegistry registry = registry();
        Partition partition = registry.open(TP, Uuid.randomUuid(), config(), true);

        append(partition, transactional(ABORTER, 0, "a", "aborted-a", "c", "aborted-c"));
        marker(partition, ABORTER, false);
        long abortMarker = partition.logEndOffset() - 1;
        append(partition, transactional(ABORTER, 2, "d", "committed-d"));
        append(partition, transactional(ABORTER, 3, "e", "committed-e"));
        marker(partition, ABORTER, true);
        for (int i = 0; i < 60; i++) {
            append(partition, plain("filler-" + (i % 5), "x".repeat(60)));
        }
        assertThat(partition.abortedTransactions(0, partition.highWatermark()))
                .containsExactly(new AbortedTransactions.Entry(ABORTER, 0, abortMarker));
        assertThat(readCommittedValues(partition)).containsEntry("d", "committed-d").containsEntry("e", "committed-e")
                .doesNotContainKeys("a", "c");

        clean(partition, T0);
        assertThat(markers(partition.log())).as("the marker stays until its delete horizon")
                .containsExactly(ABORTER + ":ABORT", ABORTER + ":COMMIT");
        assertThat(partition.abortedTransactions(0, partition.highWatermark())).hasSize(1);

        clean(partition, T0 + 2_000);
        assertThat(markers(partition.log())).containsExactly(ABORTER + ":COMMIT");
        assertThat(partition.abortedTransactions(0, partition.highWatermark()))
                .as("the entry goes with its marker").isEmpty();
        assertThat(readCommittedValues(partition)).as("what a read_committed Java consumer reads from the start")
                .containsEntry("d", "committed-d").containsEntry("e", "committed-e").doesNotContainKeys("a", "c");
        registry.closeAll();
    }

    /**
     * Reads the partition from its start as a read_committed Java consumer does: each fetch's
     * aborted transactions mark their producer aborted from the batch that reaches the
     * transaction's first offset until that producer's ABORT marker; transactional batches of a
     * producer marked aborted are skipped.
     */
    private static Map<String, String> readCommittedValues(Partition partition) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        long offset = partition.logStartOffset();
        long lastStable = partition.lastStableOffset();
        while (offset < lastStable) {
            Partition.CommittedRead read = partition.readCommitted(offset, 1 << 20, true, lastStable);
            if (read.read().slice() == null) {
                break;
            }
            FileSlice slice = read.read().slice();
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
            slice.channel().read(bytes, slice.position());
            PriorityQueue<AbortedTransactions.Entry> pending = new PriorityQueue<>(
                    Comparator.comparingLong(AbortedTransactions.Entry::firstOffset));
            pending.addAll(read.abortedTransactions());
            Set<Long> abortedProducers = new HashSet<>();
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes.flip()).batches()) {
                offset = batch.nextOffset();
                if (batch.hasProducerId()) {
                    while (!pending.isEmpty() && pending.peek().firstOffset() <= batch.lastOffset()) {
                        abortedProducers.add(pending.poll().producerId());
                    }
                }
                if (batch.isControlBatch()) {
                    Record record = batch.iterator().next();
                    if (ControlRecordType.parse(record.key()) == ControlRecordType.ABORT) {
                        abortedProducers.remove(batch.producerId());
                    }
                    continue;
                }
                if (batch.isTransactional() && abortedProducers.contains(batch.producerId())) {
                    continue;
                }
                for (Record record : batch) {
                    out.put(text(record.key()), text(record.value()));
                }
            }
        }
        return out;
    }

    private PartitionRegistry registry() {
        Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
        return new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(), false),
                clock, tp -> { });
    }

    private static TopicConfig config() {
        return TopicConfig.of(BrokerConfig.of(Map.of()), Map.of(TopicConfig.CLEANUP_POLICY, "compact",
                TopicConfig.SEGMENT_BYTES, "1024", TopicConfig.DELETE_RETENTION_MS, "1000",
                TopicConfig.MIN_CLEANABLE_DIRTY_RATIO, "0"));
    }

    private static void clean(Partition partition, long nowMs) throws Exception {
        PartitionCompactionTarget target = new PartitionCompactionTarget(partition);
        CleanableSection section = CleanableSection.of(target, nowMs);
        CleaningReport report = new CleaningPass(target, new KeyOffsetMap(1 << 20, 0.9), new Throttler(Double.MAX_VALUE),
                nowMs, SegmentSwap.Hook.NONE).run(section);
        assertThat(report.completed()).isTrue();
    }

    private static void append(Partition partition, MemoryRecords records) throws Exception {
        AppendOutcome outcome = partition.append(ProducedBatch.parse(records), T0);
        assertThat(outcome.error()).isEqualTo(Errors.NONE);
    }

    private static void marker(Partition partition, long producerId, boolean commit) {
        assertThat(partition.appendMarker(producerId, (short) 0, commit, T0).error()).isEqualTo(Errors.NONE);
    }

    private static MemoryRecords transactional(long producerId, int sequence, String... keyValues) {
        return MemoryRecords.withTransactionalRecords(Compression.NONE, producerId, (short) 0, sequence, records(keyValues));
    }

    private static MemoryRecords idempotent(long producerId, int sequence, String... keyValues) {
        return MemoryRecords.withIdempotentRecords(Compression.NONE, producerId, (short) 0, sequence, records(keyValues));
    }

    private static MemoryRecords plain(String key, String value) {
        return MemoryRecords.withRecords(Compression.NONE, records(key, value));
    }

    private static SimpleRecord[] records(String... keyValues) {
        SimpleRecord[] out = new SimpleRecord[keyValues.length / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = new SimpleRecord(T0, keyValues[2 * i].getBytes(StandardCharsets.UTF_8),
                    keyValues[2 * i + 1].getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<RecordBatch> batches(Log log) throws Exception {
        List<RecordBatch> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.highWatermark()) {
            ReadResult result = log.read(offset, 1 << 20, true);
            if (result.slice() == null) {
                break;
            }
            FileSlice slice = result.slice();
            ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
            slice.channel().read(bytes, slice.position());
            for (RecordBatch batch : MemoryRecords.readableRecords(bytes.flip()).batches()) {
                out.add(batch);
                offset = batch.nextOffset();
            }
        }
        return out;
    }

    /** What a read_committed consumer would build: aborted data is already gone, so every data record counts. */
    private static Map<String, String> latestValues(Log log) throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (RecordBatch batch : batches(log)) {
            if (!batch.isControlBatch()) {
                for (Record record : batch) {
                    out.put(text(record.key()), text(record.value()));
                }
            }
        }
        return out;
    }

    private static List<String> recordValues(Log log) throws Exception {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            if (!batch.isControlBatch()) {
                for (Record record : batch) {
                    out.add(text(record.value()));
                }
            }
        }
        return out;
    }

    private static List<String> markers(Log log) throws Exception {
        List<String> out = new ArrayList<>();
        for (RecordBatch batch : batches(log)) {
            if (batch.isControlBatch()) {
                Record record = batch.iterator().next();
                out.add(batch.producerId() + ":" + ControlRecordType.parse(record.key()));
            }
        }
        return out;
    }

    private static String text(ByteBuffer bytes) {
        return bytes == null ? null : StandardCharsets.UTF_8.decode(bytes).toString();
    }
}
