package io.surety.broker.cleaner;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.log.BatchHeader;
import io.surety.broker.log.FileSlice;
import io.surety.broker.log.Log;
import io.surety.broker.log.ReadResult;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.Record;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;

/**
 * What was written to a compacted log, record by record, and what a correct cleaner may leave of
 * it: the reference the property tests check a log against. Keys are "k<n>"; a value names the
 * offset it was written at, so a renumbered record shows at once.
 */
final class CompactionModel {

    /** One record as written or as read back; a null value is a tombstone. */
    record Entry(long offset, String key, String value) {
    }

    private final List<Entry> written = new ArrayList<>();
    /** When the first pass rewrote a tombstone's offset (its delete horizon starts then). */
    private final Map<Long, Long> firstCleanedMs = new HashMap<>();
    private final long deleteRetentionMs;

    CompactionModel(long deleteRetentionMs) {
        this.deleteRetentionMs = deleteRetentionMs;
    }

    /** Appends one batch of the given keys (a null in {@code tombstones} position means a value) at the log end. */
    void append(Log log, List<Integer> keys, List<Boolean> tombstones, long timestampMs, Compression compression)
            throws IOException {
        long base = log.logEndOffset();
        SimpleRecord[] records = new SimpleRecord[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            String key = "k" + keys.get(i);
            String value = tombstones.get(i) ? null : "v" + (base + i);
            records[i] = new SimpleRecord(timestampMs, key.getBytes(StandardCharsets.UTF_8),
                    value == null ? null : value.getBytes(StandardCharsets.UTF_8));
            written.add(new Entry(base + i, key, value));
        }
        ByteBuffer bytes = MemoryRecords.withRecords(base, compression, records).buffer();
        log.append(BatchHeader.read(bytes, bytes.position()), bytes, timestampMs);
    }

    /** Notes a pass made at {@code nowMs} that rewrote the segment groups {@code groups}. */
    void cleaned(CleaningReport report, long nowMs) {
        for (long[] group : report.groups()) {
            for (Entry entry : written) {
                if (entry.value() == null && entry.offset() >= group[0] && entry.offset() < group[1]) {
                    firstCleanedMs.putIfAbsent(entry.offset(), nowMs);
                }
            }
        }
    }

    /**
     * Checks what the log holds after a pass at {@code nowMs} that deduplicated everything below
     * {@code cleanedUpTo}: every record is one written at that offset; each key's latest record is
     * there (a tombstone only until its delete horizon, and gone after it once cleaned); below
     * {@code cleanedUpTo} no key appears twice.
     */
    void check(Log log, long nowMs, long cleanedUpTo, String context) throws IOException {
        List<Entry> read = readAll(log);
        Map<Long, Entry> byOffset = new HashMap<>();
        long previous = -1;
        for (Entry entry : read) {
            assertThat(entry.offset()).as(context + ": offsets increase").isGreaterThan(previous);
            previous = entry.offset();
            assertThat(entry).as(context + ": record at its original offset").isEqualTo(written.get((int) entry.offset()));
            byOffset.put(entry.offset(), entry);
        }
        Map<String, Entry> latest = new HashMap<>();
        Map<String, Entry> latestBelowCleaned = new HashMap<>();
        for (Entry entry : written) {
            latest.put(entry.key(), entry);
            if (entry.offset() < cleanedUpTo) {
                latestBelowCleaned.put(entry.key(), entry);
            }
        }
        for (Entry last : latest.values()) {
            boolean present = byOffset.containsKey(last.offset());
            if (last.value() != null) {
                assertThat(present).as(context + ": latest value of " + last.key() + " at " + last.offset()).isTrue();
                continue;
            }
            Long firstCleaned = firstCleanedMs.get(last.offset());
            boolean horizonPassed = firstCleaned != null && nowMs >= firstCleaned + deleteRetentionMs;
            if (!horizonPassed) {
                assertThat(present).as(context + ": tombstone of " + last.key() + " at " + last.offset()
                        + " kept until its delete horizon").isTrue();
            } else if (last.offset() < cleanedUpTo && firstCleaned < nowMs) {
                assertThat(present).as(context + ": tombstone of " + last.key() + " at " + last.offset()
                        + " removed after its delete horizon").isFalse();
            }
        }
        for (Entry entry : read) {
            if (entry.offset() < cleanedUpTo) {
                assertThat(latestBelowCleaned.get(entry.key()).offset())
                        .as(context + ": only the latest record of " + entry.key() + " below " + cleanedUpTo)
                        .isEqualTo(entry.offset());
            }
        }
    }

    /** Every record visible in the log, read from the log start in small fetches as a consumer would. */
    static List<Entry> readAll(Log log) throws IOException {
        List<Entry> out = new ArrayList<>();
        long offset = log.logStartOffset();
        while (offset < log.highWatermark()) {
            ReadResult result;
            try {
                result = log.read(offset, 300, true);
            } catch (io.surety.broker.log.OffsetOutOfRangeException e) {
                throw new IOException(e);
            }
            if (result.slice() == null) {
                break;
            }
            long next = offset;
            for (RecordBatch batch : MemoryRecords.readableRecords(bytesOf(result.slice())).batches()) {
                next = batch.nextOffset();
                if (batch.isControlBatch()) {
                    continue;
                }
                for (Record record : batch) {
                    if (record.offset() >= offset) {
                        out.add(new Entry(record.offset(), string(record.key()), string(record.value())));
                    }
                }
            }
            assertThat(next).as("a read makes progress").isGreaterThan(offset);
            offset = next;
        }
        return out;
    }

    private static ByteBuffer bytesOf(FileSlice slice) throws IOException {
        ByteBuffer bytes = ByteBuffer.allocate(slice.sizeInBytes());
        long at = slice.position();
        while (bytes.hasRemaining()) {
            int n = slice.channel().read(bytes, at);
            if (n < 0) {
                throw new EOFException();
            }
            at += n;
        }
        return bytes.flip();
    }

    private static String string(ByteBuffer bytes) {
        return bytes == null ? null : StandardCharsets.UTF_8.decode(bytes).toString();
    }

    int writtenCount() {
        return written.size();
    }

    /** Records in [from, to) of a read, for comparing segment groups. */
    static List<Entry> between(List<Entry> entries, long from, long to) {
        return entries.stream().filter(e -> e.offset() >= from && e.offset() < to).toList();
    }

    static boolean sameRecords(List<Entry> a, List<Entry> b) {
        return Objects.equals(a, b);
    }
}
