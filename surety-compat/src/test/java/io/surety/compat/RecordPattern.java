package io.surety.compat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.record.TimestampType;

/**
 * The content of every record {@link ProduceConsumeIT} writes, computed from (run, partition,
 * index) alone, so each consumed record can be checked as it arrives and nothing sent is kept.
 *
 * <p>Per record: a key naming it; a value that is sometimes null, sometimes empty, otherwise a
 * repetitive (compressible) text of varying length; zero to four headers, including a null header
 * value and a repeated key; and a CreateTime timestamp that grows with the index. Immutable and
 * thread-safe.
 */
final class RecordPattern {

    /** Timestamps of consecutive runs are this far apart, so they never overlap. */
    private static final long RUN_SPACING_MS = 100_000L;
    private static final int MAX_VALUE_BYTES = 300;

    private final long baseTimestampMs;

    RecordPattern(long baseTimestampMs) {
        this.baseTimestampMs = baseTimestampMs;
    }

    /** A header as sent; Kafka's own implementation lives in an internal package. */
    private record PatternHeader(String key, byte[] value) implements Header {
    }

    ProducerRecord<byte[], byte[]> record(String topic, int run, int partition, int index) {
        List<Header> headers = new ArrayList<>(headers(run, partition, index));
        return new ProducerRecord<>(topic, partition, timestamp(run, index), key(run, partition, index),
                value(run, partition, index), headers);
    }

    long timestamp(int run, int index) {
        return baseTimestampMs + run * RUN_SPACING_MS + index;
    }

    static String name(int run, int partition, int index) {
        return "r" + run + "-p" + partition + "-" + index;
    }

    private static byte[] key(int run, int partition, int index) {
        return name(run, partition, index).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int run, int partition, int index) {
        if (index % 10 == 7) {
            return null;
        }
        if (index % 97 == 0) {
            return new byte[0];
        }
        int length = 1 + Math.floorMod(index * 31 + partition * 7 + run, MAX_VALUE_BYTES);
        byte[] unit = ("value of " + name(run, partition, index) + "; ").getBytes(StandardCharsets.UTF_8);
        byte[] value = new byte[length];
        for (int i = 0; i < length; i++) {
            value[i] = unit[i % unit.length];
        }
        return value;
    }

    private static List<Header> headers(int run, int partition, int index) {
        if (index % 13 == 0) {
            return List.of();
        }
        List<Header> headers = new ArrayList<>(4);
        headers.add(new PatternHeader("seq", ByteBuffer.allocate(Integer.BYTES).putInt(index).array()));
        headers.add(new PatternHeader("run", ("r" + run).getBytes(StandardCharsets.UTF_8)));
        if (index % 5 == 0) {
            headers.add(new PatternHeader("absent", null));
        }
        if (index % 11 == 0) {
            headers.add(new PatternHeader("seq", ByteBuffer.allocate(Integer.BYTES).putInt(partition).array()));
        }
        return headers;
    }

    /**
     * Returns null when {@code record} is exactly record {@code index} of {@code run} in
     * {@code partition}; otherwise a description of the first difference.
     */
    String mismatch(ConsumerRecord<byte[], byte[]> record, int run, int partition, int index) {
        String where = "record " + name(run, partition, index) + " at offset " + record.offset() + ": ";
        if (record.partition() != partition) {
            return where + "partition " + record.partition();
        }
        if (!Arrays.equals(record.key(), key(run, partition, index))) {
            return where + "key " + text(record.key());
        }
        byte[] expectedValue = value(run, partition, index);
        if (!Arrays.equals(record.value(), expectedValue)) {
            return where + "value " + text(record.value()) + ", expected " + text(expectedValue);
        }
        if (record.timestampType() != TimestampType.CREATE_TIME || record.timestamp() != timestamp(run, index)) {
            return where + "timestamp " + record.timestamp() + " (" + record.timestampType() + "), expected "
                    + timestamp(run, index) + " (CreateTime)";
        }
        Header[] actual = record.headers().toArray();
        List<Header> expected = headers(run, partition, index);
        if (actual.length != expected.size()) {
            return where + actual.length + " headers, expected " + expected.size();
        }
        for (int i = 0; i < actual.length; i++) {
            Header want = expected.get(i);
            if (!actual[i].key().equals(want.key()) || !Arrays.equals(actual[i].value(), want.value())) {
                return where + "header " + i + " is " + actual[i].key() + "=" + Arrays.toString(actual[i].value())
                        + ", expected " + want.key() + "=" + Arrays.toString(want.value());
            }
        }
        return null;
    }

    private static String text(byte[] bytes) {
        if (bytes == null) {
            return "null";
        }
        String text = new String(bytes, StandardCharsets.UTF_8);
        return text.length() <= 60 ? "'" + text + "'" : "'" + text.substring(0, 60) + "...' (" + bytes.length + " bytes)";
    }
}
