package io.surety.broker.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.surety.broker.log.BatchHeader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.record.internal.ControlRecordType;
import org.apache.kafka.common.record.internal.EndTransactionMarker;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.MemoryRecordsBuilder;
import org.apache.kafka.common.record.internal.RecordBatch;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.Test;

/** What a produced batch must look like before the broker stamps and appends it. */
class ProducedBatchTest {

    private static final long T0 = 1_700_000_000_000L;

    @Test
    void shouldStampOffsetsWithoutBreakingCrcWhenBatchIsValid() throws Exception {
        ByteBuffer bytes = records(3).buffer();
        ProducedBatch batch = ProducedBatch.parse(MemoryRecords.readableRecords(bytes));
        assertThat(batch.recordCount()).isEqualTo(3);
        assertThat(batch.hasProducerId()).isFalse();

        BatchHeader stamped = batch.stamp(100, 0, -1);
        assertThat(stamped.baseOffset()).isEqualTo(100);
        assertThat(stamped.lastOffset()).isEqualTo(102);
        RecordBatch reread = MemoryRecords.readableRecords(batch.bytes().duplicate()).batches().iterator().next();
        assertThat(reread.isValid()).isTrue();
        assertThat(reread.baseOffset()).isEqualTo(100);

        batch.stamp(200, 0, T0 + 5);
        reread = MemoryRecords.readableRecords(batch.bytes().duplicate()).batches().iterator().next();
        assertThat(reread.isValid()).as("log append time recomputes the CRC").isTrue();
        assertThat(reread.timestampType()).isEqualTo(TimestampType.LOG_APPEND_TIME);
    }

    @Test
    void shouldRefuseAsCorruptWhenCrcDoesNotMatch() {
        ByteBuffer bytes = records(3).buffer();
        int lastByte = bytes.limit() - 1;
        bytes.put(lastByte, (byte) (bytes.get(lastByte) ^ 0x01));
        assertRefused(bytes, InvalidBatchException.Reason.CORRUPT);
    }

    @Test
    void shouldRefuseAsInvalidRecordWhenTwoBatchesArrive() {
        ByteBuffer first = records(2).buffer();
        ByteBuffer second = records(2).buffer();
        ByteBuffer both = ByteBuffer.allocate(first.remaining() + second.remaining()).put(first).put(second).flip();
        assertRefused(both, InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldRefuseAsInvalidRecordWhenClientSendsControlBatch() {
        MemoryRecords marker = MemoryRecords.withEndTransactionMarker(0, T0, 0, 5L, (short) 0,
                new EndTransactionMarker(ControlRecordType.COMMIT, 0));
        assertThat(marker.batches().iterator().next().isValid()).isTrue();
        assertRefused(marker.buffer(), InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldRefuseWhenBufferIsShorterThanItsBatch() {
        ByteBuffer bytes = records(3).buffer();
        assertRefused(ByteBuffer.wrap(new byte[0]), InvalidBatchException.Reason.CORRUPT);
        assertRefused(slice(bytes, 20), InvalidBatchException.Reason.CORRUPT);
        assertRefused(slice(bytes, BatchHeader.SIZE - 1), InvalidBatchException.Reason.CORRUPT);
        assertThat(refusal(slice(bytes, bytes.remaining() - 1))).isNotNull();
        assertThat(refusal(slice(bytes, BatchHeader.SIZE))).isNotNull();
    }

    @Test
    void shouldRefuseWhenRecordCountDisagreesWithOffsets() {
        ByteBuffer bytes = records(3).buffer();
        bytes.putInt(57, 4);
        assertThat(refusal(withFixedCrc(bytes))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldRefuseWhenIdempotentBatchHasNoSequence() {
        ByteBuffer bytes = MemoryRecords.withIdempotentRecords(Compression.NONE, 5L, (short) 0, 0,
                new SimpleRecord(T0, "v".getBytes(StandardCharsets.UTF_8))).buffer();
        bytes.putInt(53, -1);
        assertThat(refusal(withFixedCrc(bytes))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldRefuseWhenRecordsAreMalformedThoughCrcMatches() {
        ByteBuffer countTooHigh = records(3).buffer();
        countTooHigh.putInt(57, 4).putInt(23, 3);
        assertThat(refusal(withFixedCrc(countTooHigh))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);

        ByteBuffer countTooLow = records(3).buffer();
        countTooLow.putInt(57, 2).putInt(23, 1);
        assertThat(refusal(withFixedCrc(countTooLow))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);

        ByteBuffer garbage = records(3).buffer();
        for (int i = BatchHeader.SIZE; i < garbage.limit(); i++) {
            garbage.put(i, (byte) 0xFF);
        }
        assertThat(refusal(withFixedCrc(garbage))).isNotNull();

        ByteBuffer valid = records(2).buffer();
        ByteBuffer trailing = ByteBuffer.allocate(valid.remaining() + 5).put(valid).put(new byte[5]).flip();
        trailing.putInt(8, trailing.remaining() - BatchHeader.LOG_OVERHEAD);
        assertThat(refusal(withFixedCrc(trailing))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldRefuseWhenRecordOffsetDeltasDoNotCountUpFromZero() {
        for (long[] offsets : new long[][] {{0, 2}, {1, 2}}) {
            MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE,
                    TimestampType.CREATE_TIME, 0L);
            for (long offset : offsets) {
                builder.appendWithOffset(offset, new SimpleRecord(T0, "v".getBytes(StandardCharsets.UTF_8)));
            }
            ByteBuffer bytes = builder.build().buffer();
            bytes.putInt(23, offsets.length - 1);
            assertThat(refusal(withFixedCrc(bytes))).as("record offsets %s", java.util.Arrays.toString(offsets))
                    .isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
        }

        // Two records both at delta 0: the second record's offset delta (after its length, attributes
        // and a one-byte timestamp delta) is rewritten from 1 to 0.
        ByteBuffer sameOffset = records(2).buffer();
        int firstLength = sameOffset.get(BatchHeader.SIZE) >> 1;
        int second = BatchHeader.SIZE + 1 + firstLength;
        assertThat(sameOffset.get(second + 3)).as("zigzag varint of offset delta 1").isEqualTo((byte) 2);
        sameOffset.put(second + 3, (byte) 0);
        assertThat(refusal(withFixedCrc(sameOffset))).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
    }

    @Test
    void shouldAcceptCompressedBatchAndRefuseItWhenPayloadIsGarbage() throws Exception {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(4096), Compression.gzip().build(),
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < 20; i++) {
            builder.append(new SimpleRecord(T0, ("k" + i).getBytes(StandardCharsets.UTF_8), new byte[50]));
        }
        ByteBuffer compressed = builder.build().buffer();
        ProducedBatch batch = ProducedBatch.parse(MemoryRecords.readableRecords(compressed.duplicate()));
        assertThat(batch.isCompressed()).isTrue();
        assertThat(batch.recordCount()).isEqualTo(20);

        ByteBuffer garbage = ByteBuffer.allocate(compressed.remaining()).put(compressed.duplicate()).flip();
        for (int i = BatchHeader.SIZE + 12; i < garbage.limit(); i++) {
            garbage.put(i, (byte) (i * 31));
        }
        assertThat(refusal(withFixedCrc(garbage))).isNotNull();
    }

    @Test
    void shouldRefuseWithReasonNeverThrowWhenBytesAreMutated() {
        long seed = Long.getLong("surety.seed", System.nanoTime());
        System.out.println("shouldRefuseWithReasonNeverThrowWhenBytesAreMutated seed=" + seed);
        Random random = new Random(seed);
        byte[] valid = toArray(MemoryRecords.withIdempotentRecords(Compression.NONE, 5L, (short) 0, 10,
                new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8)),
                new SimpleRecord(T0, null, new byte[40])).buffer());
        for (int i = 0; i < 20_000; i++) {
            byte[] mutated = mutate(valid, random);
            ByteBuffer bytes = ByteBuffer.wrap(mutated);
            if (random.nextBoolean()) {
                withFixedCrc(bytes);
            }
            Throwable thrown = catchThrowable(() -> refusal(bytes));
            assertThat(thrown).as("seed %d iteration %d", seed, i).isNull();
        }
    }

    private static byte[] mutate(byte[] valid, Random random) {
        byte[] out = valid.clone();
        switch (random.nextInt(4)) {
            case 0 -> out[random.nextInt(out.length)] ^= (byte) (1 << random.nextInt(8));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt();
            case 2 -> {
                int at = 8 + random.nextInt(53);
                out[at] = (byte) random.nextInt();
            }
            default -> {
                byte[] cut = new byte[random.nextInt(out.length + 20)];
                System.arraycopy(out, 0, cut, 0, Math.min(cut.length, out.length));
                return cut;
            }
        }
        return out;
    }

    /** Parses, treating any refusal as its reason; fails on any other exception. */
    private static InvalidBatchException.Reason refusal(ByteBuffer bytes) {
        try {
            ProducedBatch.parse(MemoryRecords.readableRecords(bytes));
            return null;
        } catch (InvalidBatchException e) {
            return e.reason();
        }
    }

    private static void assertRefused(ByteBuffer bytes, InvalidBatchException.Reason reason) {
        assertThatThrownBy(() -> ProducedBatch.parse(MemoryRecords.readableRecords(bytes)))
                .isInstanceOfSatisfying(InvalidBatchException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    private static MemoryRecords records(int count) {
        MemoryRecordsBuilder builder = MemoryRecords.builder(ByteBuffer.allocate(1024), Compression.NONE,
                TimestampType.CREATE_TIME, 0L);
        for (int i = 0; i < count; i++) {
            builder.append(new SimpleRecord(T0 + i, ("k" + i).getBytes(StandardCharsets.UTF_8),
                    ("v" + i).getBytes(StandardCharsets.UTF_8)));
        }
        return builder.build();
    }

    private static ByteBuffer slice(ByteBuffer bytes, int length) {
        return bytes.duplicate().limit(bytes.position() + length).slice();
    }

    private static byte[] toArray(ByteBuffer bytes) {
        byte[] out = new byte[bytes.remaining()];
        bytes.duplicate().get(out);
        return out;
    }

    /** Recomputes the CRC so that a deliberate header change is the only thing wrong. */
    private static ByteBuffer withFixedCrc(ByteBuffer bytes) {
        if (bytes.remaining() >= BatchHeader.SIZE) {
            java.util.zip.CRC32C crc = new java.util.zip.CRC32C();
            crc.update(bytes.duplicate().position(bytes.position() + 21));
            bytes.putInt(bytes.position() + 17, (int) crc.getValue());
        }
        return bytes;
    }

    @Test
    void shouldRefuseKeylessRecordsWithRecordErrorsWhenTopicIsCompacted() throws Exception {
        for (Compression compression : new Compression[] {Compression.NONE, Compression.gzip().build()}) {
            MemoryRecords records = MemoryRecords.withRecords(compression,
                    new SimpleRecord(T0, "k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8)),
                    new SimpleRecord(T0, (byte[]) null, "no key".getBytes(StandardCharsets.UTF_8)),
                    new SimpleRecord(T0, "k2".getBytes(StandardCharsets.UTF_8), (byte[]) null),
                    new SimpleRecord(T0, (byte[]) null, (byte[]) null));

            assertThat(ProducedBatch.parse(records).recordCount()).isEqualTo(4);
            InvalidBatchException refused = (InvalidBatchException) catchThrowable(
                    () -> ProducedBatch.parse(MemoryRecords.readableRecords(records.buffer().duplicate()), "t-0"));

            assertThat(refused.reason()).isEqualTo(InvalidBatchException.Reason.INVALID_RECORD);
            assertThat(refused.recordErrors()).extracting(InvalidBatchException.RecordError::batchIndex)
                    .containsExactly(1, 3);
            assertThat(refused.recordErrors().get(0).message())
                    .isEqualTo("Compacted topic cannot accept message without key in topic partition t-0.");
            assertThat(refused.getMessage()).contains("2 record errors");
        }
    }
}
