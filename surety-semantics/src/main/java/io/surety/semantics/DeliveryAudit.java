package io.surety.semantics;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts, on the consumer side, what happened to records an {@link AuditStamper} numbered: gaps
 * (estimated loss), duplicates and reorderings, per source and partition. With {@code acks=0} a
 * producer learns nothing of lost records; this is where the loss shows.
 *
 * <pre>{@code
 * DeliveryAudit audit = DeliveryAudit.expectingFromZero();
 * for (ConsumerRecord<K, V> record : consumer.poll(timeout)) {
 *     audit.record(record);
 *     ...
 * }
 * AuditTotals totals = audit.totals();   // any thread
 * }</pre>
 *
 * <p><b>What is counted.</b> Sequences are numbered per source across all partitions (see
 * {@link AuditStamper}). A sequence read before is a <em>duplicate</em>, wherever it was read. A
 * sequence read in a partition after a higher one of the same source in that partition is
 * <em>reordered</em>. The <em>missing</em> sequences of a source are those between its first expected
 * sequence and its highest read that have not been read: they are exact only when the audit reads
 * every partition the source writes to (give a dedicated audit consumer all partitions with
 * {@code assign}), and provisional while records are still arriving, since a record from another
 * partition may fill a gap later. Records lost after the last one read leave no gap; compare with
 * the producer's count with {@link SourceFigures#missingBelow(long)}.
 *
 * <p><b>Where counting starts.</b> {@link #expectingFromZero()} expects every source from sequence 0
 * (stampers start there), so a consumer that starts late counts the records before it as missing.
 * {@link #startingAtFirstSeen()} starts each source at the first sequence read. {@link #expect}
 * sets one source's start explicitly; sequences below a start are counted as received, never as
 * missing.
 *
 * <p><b>Restarts.</b> {@link #exportState()} gives the whole state as bytes (format in
 * {@code AuditStateCodec}); {@link #restore(byte[])} continues from them, so a restarted consumer
 * keeps counting as if it had not stopped. Export the state when offsets are committed: records
 * read after the export and read again after a restart are then counted as what they are,
 * duplicate deliveries. Without saved state, rebuild from a start sequence with {@link #expect}
 * (duplicates across the restart are then not visible).
 *
 * <p><b>Threads.</b> One thread owns the audit: {@link #record}, {@link #recordAll},
 * {@link #expect}, {@link #snapshot} and {@link #exportState} must be called from it (normally the
 * consumer's thread). {@link #totals()} may be called from any thread; each figure in it is
 * current, together they may be one record apart. {@link AuditMetrics} reads only the totals.
 */
public final class DeliveryAudit {

    private static final Logger LOG = LoggerFactory.getLogger(DeliveryAudit.class);

    private final boolean fromZero;
    private final Map<String, SourceTally> sources = new TreeMap<>();
    private AuditListener listener = event -> { };

    private volatile long received;
    private volatile long duplicates;
    private volatile long reordered;
    private volatile long missing;
    private volatile long unstamped;
    private volatile long malformed;

    private DeliveryAudit(boolean fromZero) {
        this.fromZero = fromZero;
    }

    /** An audit that expects every source from sequence 0. */
    public static DeliveryAudit expectingFromZero() {
        return new DeliveryAudit(true);
    }

    /** An audit that starts each source at the first sequence it reads of it. */
    public static DeliveryAudit startingAtFirstSeen() {
        return new DeliveryAudit(false);
    }

    /**
     * An audit that continues from state saved with {@link #exportState()}.
     *
     * @throws IllegalArgumentException if the bytes are not a complete, intact audit state
     */
    public static DeliveryAudit restore(byte[] state) {
        Objects.requireNonNull(state, "state");
        AuditStateCodec.Decoded decoded = AuditStateCodec.decode(state);
        DeliveryAudit audit = new DeliveryAudit(decoded.fromZero());
        decoded.sources().forEach(tally -> audit.sources.put(tally.id, tally));
        audit.unstamped = decoded.unstamped();
        audit.malformed = decoded.malformed();
        audit.publishTotals();
        return audit;
    }

    /** Sets the listener told of each anomaly (replacing any earlier one); returns this audit. */
    public DeliveryAudit onEvent(AuditListener listener) {
        this.listener = Objects.requireNonNull(listener, "listener");
        return this;
    }

    /**
     * Expects {@code source} from {@code firstSequence} on: sequences below it are not counted as
     * missing. May be called before or after records of the source are read; the gaps are recounted.
     */
    public DeliveryAudit expect(String source, long firstSequence) {
        AuditStamper.checkSourceId(source);
        if (firstSequence < 0) {
            throw new IllegalArgumentException("firstSequence must be >= 0: " + firstSequence);
        }
        tally(source).expect(firstSequence);
        publishTotals();
        return this;
    }

    /** Counts one record read by a consumer. Records without audit headers are only counted as such. */
    public void record(ConsumerRecord<?, ?> record) {
        Header sourceHeader = record.headers().lastHeader(AuditStamper.SOURCE_HEADER);
        Header sequenceHeader = record.headers().lastHeader(AuditStamper.SEQUENCE_HEADER);
        if (sourceHeader == null && sequenceHeader == null) {
            unstamped++;
            return;
        }
        String source = sourceHeader == null || sourceHeader.value() == null ? null
                : new String(sourceHeader.value(), StandardCharsets.UTF_8);
        long sequence = sequenceHeader == null ? -1 : AuditStamper.parseSequence(sequenceHeader.value());
        if (source == null || sequence < 0 || !AuditStamper.isValidSourceId(source)) {
            malformed++;
            return;
        }
        observe(source, sequence, new TopicPartition(record.topic(), record.partition()), record.offset());
    }

    /** Counts every record of a poll, in order. */
    public void recordAll(Iterable<? extends ConsumerRecord<?, ?>> records) {
        for (ConsumerRecord<?, ?> record : records) {
            record(record);
        }
    }

    /** The running totals; callable from any thread. */
    public AuditTotals totals() {
        return new AuditTotals(received, duplicates, reordered, missing, unstamped, malformed);
    }

    /** All figures, per source and partition. Owner thread only. */
    public AuditSnapshot snapshot() {
        List<SourceFigures> figures = new ArrayList<>();
        sources.values().forEach(tally -> figures.add(tally.figures()));
        return new AuditSnapshot(figures, totals());
    }

    /** The whole state as bytes, for {@link #restore(byte[])}. Owner thread only. */
    public byte[] exportState() {
        return AuditStateCodec.encode(fromZero, sources.values(), unstamped, malformed);
    }

    void observe(String source, long sequence, TopicPartition partition, long offset) {
        received++;
        tally(source).observe(sequence, partition, offset, this::tell);
    }

    private SourceTally tally(String source) {
        return sources.computeIfAbsent(source, id -> new SourceTally(id, fromZero ? 0 : -1, fromZero));
    }

    /** Recomputes the totals from every tally (after a restore or a recount). */
    private void publishTotals() {
        long r = 0;
        long d = 0;
        long o = 0;
        long m = 0;
        for (SourceTally tally : sources.values()) {
            for (SourceTally.PartitionTally p : tally.partitions.values()) {
                r += p.received;
                d += p.duplicates;
                o += p.reordered;
            }
            m += tally.missing;
        }
        received = r;
        duplicates = d;
        reordered = o;
        missing = m;
    }

    private void tell(AuditEvent event) {
        if (event instanceof AuditEvent.Duplicate) {
            duplicates++;
        } else if (event instanceof AuditEvent.Reordered) {
            reordered++;
        } else if (event instanceof AuditEvent.Gap gap) {
            missing += gap.missing();
        } else {
            missing--;
        }
        try {
            listener.onEvent(event);
        } catch (RuntimeException e) {
            LOG.warn("Audit listener failed on {}", event, e);
        }
    }
}
