package io.surety.broker.durability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a final read of the log says about a {@link SendHistory} (names from the delivery-anomaly
 * taxonomy):
 * <ul>
 *   <li>{@code lost}: acknowledged, not in the log at all;</li>
 *   <li>{@code misplaced}: acknowledged at one offset, found at another (or the acked offset holds
 *       another record);</li>
 *   <li>{@code duplicates}: extra copies of a record beyond its first;</li>
 *   <li>{@code reordered}: a first copy that lands after a record sent later to the same partition;</li>
 *   <li>{@code phantoms}: records nobody sent to that partition;</li>
 *   <li>{@code unacknowledgedStored}: records stored whose send failed or never completed (allowed).</li>
 * </ul>
 */
record DeliveryReport(long attempted, long acked, long failed, long stored, long lost, long misplaced,
        long duplicates, long reordered, long phantoms, long unacknowledgedStored, Map<Integer, Long> lostByPartition,
        List<String> examples) {

    private static final int MAX_EXAMPLES = 10;

    /** Checks {@code log} (per partition, in offset order) against {@code history}. */
    static DeliveryReport check(SendHistory history, Map<Integer, List<TopicReader.Stored>> log) {
        Map<Long, Long> acked = history.ackedOffsets();
        List<String> examples = new ArrayList<>();
        Map<Long, Integer> copies = new HashMap<>();
        Map<Integer, Map<Long, Long>> seqByOffset = new HashMap<>();
        long stored = 0;
        long duplicates = 0;
        long reordered = 0;
        long phantoms = 0;
        long unacknowledgedStored = 0;
        for (Map.Entry<Integer, List<TopicReader.Stored>> entry : log.entrySet()) {
            int partition = entry.getKey();
            Map<Long, Long> byOffset = seqByOffset.computeIfAbsent(partition, p -> new HashMap<>());
            long highestSeq = -1;
            for (TopicReader.Stored record : entry.getValue()) {
                stored++;
                byOffset.put(record.offset(), record.seq());
                Integer sentTo = record.seq() < 0 ? null : history.partitionOf(record.seq());
                if (sentTo == null || sentTo != partition) {
                    phantoms++;
                    note(examples, "phantom at " + partition + "@" + record.offset() + " (seq " + record.seq() + ")");
                    continue;
                }
                int copy = copies.merge(record.seq(), 1, Integer::sum);
                if (copy > 1) {
                    duplicates++;
                    note(examples, "duplicate of seq " + record.seq() + " at " + partition + "@" + record.offset());
                    continue;
                }
                if (record.seq() < highestSeq) {
                    reordered++;
                    note(examples, "seq " + record.seq() + " at " + partition + "@" + record.offset()
                            + " after seq " + highestSeq);
                }
                highestSeq = Math.max(highestSeq, record.seq());
                if (!acked.containsKey(record.seq())) {
                    unacknowledgedStored++;
                }
            }
        }
        long lost = 0;
        long misplaced = 0;
        Map<Integer, Long> lostByPartition = new TreeMap<>();
        for (Map.Entry<Long, Long> ack : acked.entrySet()) {
            long seq = ack.getKey();
            int partition = history.partitionOf(seq);
            if (!copies.containsKey(seq)) {
                lost++;
                lostByPartition.merge(partition, 1L, Long::sum);
                note(examples, "lost seq " + seq + " acknowledged at " + partition + "@" + ack.getValue());
                continue;
            }
            Long atAckedOffset = seqByOffset.getOrDefault(partition, Map.of()).get(ack.getValue());
            if (atAckedOffset == null || atAckedOffset != seq) {
                misplaced++;
                note(examples, "seq " + seq + " acknowledged at " + partition + "@" + ack.getValue() + " but that offset holds "
                        + atAckedOffset);
            }
        }
        return new DeliveryReport(history.attemptedCount(), acked.size(), history.failureCount(), stored, lost,
                misplaced, duplicates, reordered, phantoms, unacknowledgedStored, Map.copyOf(lostByPartition),
                List.copyOf(examples));
    }

    private static void note(List<String> examples, String example) {
        if (examples.size() < MAX_EXAMPLES) {
            examples.add(example);
        }
    }

    /** Acknowledged records of {@code partition} that are not in the log. */
    long lostIn(int partition) {
        return lostByPartition.getOrDefault(partition, 0L);
    }

    /** One line for the test output. */
    String summary() {
        return "attempted=" + attempted + " acked=" + acked + " failed=" + failed + " stored=" + stored
                + " lost=" + lost + (lost == 0 ? "" : " " + new TreeMap<>(lostByPartition)) + " misplaced=" + misplaced + " duplicates=" + duplicates + " reordered=" + reordered
                + " phantoms=" + phantoms + " unacknowledgedStored=" + unacknowledgedStored
                + (examples.isEmpty() ? "" : " examples=" + examples);
    }
}
