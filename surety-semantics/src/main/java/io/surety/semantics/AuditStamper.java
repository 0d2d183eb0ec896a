package io.surety.semantics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Numbers the records a producer sends, so that a {@link DeliveryAudit} on the consumer side can
 * count what was lost, duplicated or reordered on the way.
 *
 * <pre>{@code
 * AuditStamper stamper = AuditStamper.forSource("billing-1");
 * producer.send(stamper.stamp(new ProducerRecord<>("payments", key, value)));
 * }</pre>
 *
 * <p><b>Headers.</b> Each stamped record carries two headers: {@value #SOURCE_HEADER}, the source
 * id in UTF-8, and {@value #SEQUENCE_HEADER}, the sequence number as decimal ASCII digits (readable
 * in any tool). Stamping a record that already carries them replaces them.
 *
 * <p><b>One sequence per source, across partitions.</b> Sequences count 0, 1, 2, ... per stamper,
 * whatever partition a record goes to. The partition is often chosen inside {@code send()} (by key
 * hash, or the sticky partitioner), after a record could be stamped, so numbering per partition
 * would need the stamper to choose partitions itself; numbering per source works with any
 * partitioner. The price: gaps (loss) can only be counted per source, by an audit that reads every
 * partition the source writes to. Duplicates and reorderings are still exact per partition.
 *
 * <p><b>Restarts.</b> A restarted producer must not reuse sequences: give it a new source id (say,
 * with an incarnation number) or continue with {@link #forSource(String, long)} from the next
 * sequence it saved.
 *
 * <p><b>Threads.</b> Thread-safe. Reordering is judged by the order sequences were handed out, so
 * when several threads share one producer, stamp and send under one lock, or give each thread its
 * own stamper (its own source id); otherwise two threads may send their stamped records in the
 * opposite order and the audit counts a reordering that the producer caused, not the cluster.
 */
public final class AuditStamper {

    /** Header naming the source: its id in UTF-8. */
    public static final String SOURCE_HEADER = "surety.source";
    /** Header with the record's sequence number within its source, as decimal ASCII digits. */
    public static final String SEQUENCE_HEADER = "surety.seq";

    static final int MAX_SOURCE_ID_BYTES = 1024;

    private final String sourceId;
    private final byte[] sourceBytes;
    private final AtomicLong next;

    private AuditStamper(String sourceId, long nextSequence) {
        this.sourceId = checkSourceId(sourceId);
        if (nextSequence < 0) {
            throw new IllegalArgumentException("nextSequence must be >= 0: " + nextSequence);
        }
        this.sourceBytes = sourceId.getBytes(StandardCharsets.UTF_8);
        this.next = new AtomicLong(nextSequence);
    }

    /** A stamper for {@code sourceId} that starts at sequence 0. */
    public static AuditStamper forSource(String sourceId) {
        return new AuditStamper(sourceId, 0);
    }

    /** A stamper for {@code sourceId} that continues at {@code nextSequence}. */
    public static AuditStamper forSource(String sourceId, long nextSequence) {
        return new AuditStamper(sourceId, nextSequence);
    }

    public String sourceId() {
        return sourceId;
    }

    /** The sequence the next stamped record gets; also the number of records stamped from 0. */
    public long nextSequence() {
        return next.get();
    }

    /**
     * A copy of {@code record} with the audit headers and the next sequence number. The original
     * record and its headers are not changed.
     */
    public <K, V> ProducerRecord<K, V> stamp(ProducerRecord<K, V> record) {
        List<Header> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            if (!header.key().equals(SOURCE_HEADER) && !header.key().equals(SEQUENCE_HEADER)) {
                headers.add(header);
            }
        }
        headers.add(new StampHeader(SOURCE_HEADER, sourceBytes));
        headers.add(new StampHeader(SEQUENCE_HEADER,
                Long.toString(next.getAndIncrement()).getBytes(StandardCharsets.US_ASCII)));
        return new ProducerRecord<>(record.topic(), record.partition(), record.timestamp(), record.key(), record.value(),
                headers);
    }

    static String checkSourceId(String sourceId) {
        if (sourceId == null || sourceId.isBlank()) {
            throw new IllegalArgumentException("source id must not be blank: name the producer, e.g. billing-1");
        }
        if (!isValidSourceId(sourceId)) {
            throw new IllegalArgumentException("source id must be at most " + MAX_SOURCE_ID_BYTES + " bytes in UTF-8");
        }
        return sourceId;
    }

    static boolean isValidSourceId(String sourceId) {
        return !sourceId.isEmpty() && sourceId.getBytes(StandardCharsets.UTF_8).length <= MAX_SOURCE_ID_BYTES;
    }

    /** The sequence in a {@value #SEQUENCE_HEADER} header's value, or -1 if it is not a decimal number. */
    static long parseSequence(byte[] value) {
        if (value == null || value.length == 0 || value.length > 19) {
            return -1;
        }
        long sequence = 0;
        try {
            for (byte b : value) {
                if (b < '0' || b > '9') {
                    return -1;
                }
                sequence = Math.addExact(Math.multiplyExact(sequence, 10), b - '0');
            }
        } catch (ArithmeticException e) {
            return -1;
        }
        return sequence;
    }

    /** A header of a stamped record; the value array is never changed after construction. */
    private record StampHeader(String key, byte[] value) implements Header {
    }
}
