package io.surety.semantics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * What one {@link DeliveryAudit} knows about one source: every sequence read (as ranges), the
 * expected start, the highest read, the gaps between, and per partition the counts and the highest
 * sequence read there.
 *
 * <p>Not thread-safe: owned by its audit.
 *
 * <p>Implementation notes: {@code missing} is kept equal to the number of sequences in
 * {@code [low, high]} that are not in {@code seen}, updated by each observation in constant time:
 * a sequence above {@code high} opens a gap of {@code sequence - high - 1}; a new sequence inside
 * {@code [low, high]} fills one. Sequences below {@code low} were sent before the audit started
 * counting: they count as received (and for duplicates) but never as gaps.
 */
final class SourceTally {

    static final Comparator<TopicPartition> PARTITION_ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    final String id;
    final SequenceSet seen = new SequenceSet();
    final Map<TopicPartition, PartitionTally> partitions = new TreeMap<>(PARTITION_ORDER);
    /** First expected sequence, or -1 until the first one read sets it. */
    long low;
    /** True if {@code low} was given (from zero, or by {@code expect}); false if the first read set it. */
    boolean lowGiven;
    /** Highest sequence read at or above {@code low}, or -1. */
    long high = -1;
    long missing;

    SourceTally(String id, long low, boolean lowGiven) {
        this.id = id;
        this.low = low;
        this.lowGiven = lowGiven;
    }

    /** Per-partition state. */
    static final class PartitionTally {
        long received;
        long duplicates;
        long reordered;
        long highest = -1;
    }

    void observe(long sequence, TopicPartition partition, long offset, Consumer<AuditEvent> events) {
        PartitionTally tally = partitions.computeIfAbsent(partition, p -> new PartitionTally());
        tally.received++;
        if (!seen.add(sequence)) {
            tally.duplicates++;
            events.accept(new AuditEvent.Duplicate(id, sequence, partition, offset));
            return;
        }
        if (sequence < tally.highest) {
            tally.reordered++;
            events.accept(new AuditEvent.Reordered(id, sequence, tally.highest, partition, offset));
        } else {
            tally.highest = sequence;
        }
        if (low < 0) {
            low = sequence;
        }
        if (sequence < low) {
            return;
        }
        long top = Math.max(high, low - 1);
        if (sequence > top) {
            long gap = sequence - top - 1;
            if (gap > 0) {
                missing += gap;
                events.accept(new AuditEvent.Gap(id, sequence, gap, partition, offset));
            }
            high = sequence;
        } else {
            missing--;
            events.accept(new AuditEvent.GapFilled(id, sequence, partition, offset));
        }
    }

    /** Sets the first expected sequence and recounts the gaps. */
    void expect(long firstSequence) {
        low = firstSequence;
        lowGiven = true;
        recount();
    }

    /** Recomputes {@code high} and {@code missing} from {@code seen} and {@code low}. */
    void recount() {
        long[] top = {-1};
        seen.forEachRange((from, to) -> top[0] = Math.max(top[0], to));
        high = low >= 0 && top[0] >= low ? top[0] : -1;
        missing = high < 0 ? 0 : (high - low + 1) - seen.countWithin(low, high);
    }

    SourceFigures figures() {
        List<PartitionFigures> perPartition = new ArrayList<>();
        long received = 0;
        long duplicates = 0;
        long reordered = 0;
        for (Map.Entry<TopicPartition, PartitionTally> entry : partitions.entrySet()) {
            PartitionTally t = entry.getValue();
            perPartition.add(new PartitionFigures(entry.getKey(), t.received, t.duplicates, t.reordered, t.highest));
            received += t.received;
            duplicates += t.duplicates;
            reordered += t.reordered;
        }
        return new SourceFigures(id, low, high, received, seen.size(), duplicates, reordered, missing, perPartition);
    }
}
