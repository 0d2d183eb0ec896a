package io.surety.check.checker;

import io.surety.check.history.HistoryEvent;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Counts the records consumers of one group jumped over ({@code offsetsSkipped}). Events are
 * walked in history order; the final log read tells which offsets held records.
 *
 * <ul>
 *   <li><b>Within an assignment.</b> Two consecutive POLL events of one consumer instance on one
 *       partition, with no ASSIGN by that instance in between, at offsets {@code a} then {@code b}:
 *       the records the final log read saw at offsets strictly between {@code a} and {@code b} were
 *       skipped.</li>
 *   <li><b>After an assignment change.</b> The first POLL (at offset {@code b}) by a consumer of a
 *       partition newly in its assignment: the records seen by the final log read at offsets
 *       {@code c <= offset < b} were skipped, where {@code c} is the offset of the group's latest
 *       successful COMMIT for that partition before that poll, or 0 (the start of the log) when the
 *       group has not committed it yet. For a partition the consumer kept across the change the
 *       bound is the larger of {@code c} and the offset after its last poll before the change, so
 *       a consumer that simply carries on is not blamed for offsets it read before.</li>
 * </ul>
 *
 * <p>For exactly-once the copier commits its input offsets inside the output transaction and emits
 * PROCESS only after the transaction committed, so each PROCESS at offset {@code o} also counts as
 * a commit of {@code o + 1}. A jump backwards (re-reading) is never a skip. A record jumped over
 * by several consumers is counted once.
 */
final class SkipDetector {

    private SkipDetector() {
    }

    static long count(String guarantee, List<HistoryEvent> events, LogOffsets log) {
        boolean processCommits = Guarantees.EXACTLY_ONCE.equals(guarantee);
        Map<Integer, Long> committed = new HashMap<>();
        Map<String, ConsumerPositions> consumers = new HashMap<>();
        SkippedRanges skipped = new SkippedRanges(log);
        for (HistoryEvent e : events) {
            switch (e.type()) {
                case ASSIGN -> consumers.computeIfAbsent(e.actor(), a -> new ConsumerPositions())
                        .assign(partitions(e));
                case COMMIT -> {
                    if (e.partition() >= 0 && e.offset() >= 0) {
                        committed.put(e.partition(), e.offset());
                    }
                }
                case PROCESS -> {
                    if (processCommits && e.partition() >= 0 && e.offset() >= 0) {
                        committed.put(e.partition(), e.offset() + 1);
                    }
                }
                case POLL -> {
                    if (e.partition() >= 0 && e.offset() >= 0) {
                        consumers.computeIfAbsent(e.actor(), a -> new ConsumerPositions())
                                .poll(e.partition(), e.offset(), committed.getOrDefault(e.partition(), 0L), skipped);
                    }
                }
                default -> {
                    // other events do not move a consumer
                }
            }
        }
        return skipped.distinctRecords();
    }

    /** The partitions an ASSIGN lists: comma-separated numbers, possibly none. */
    static Set<Integer> partitions(HistoryEvent assign) {
        String detail = assign.detail();
        Set<Integer> partitions = new HashSet<>();
        if (detail == null) {
            return partitions;
        }
        for (String part : detail.split(",")) {
            String trimmed = part.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            try {
                partitions.add(Integer.parseInt(trimmed));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an ASSIGN must list partition numbers separated by commas: " + assign, e);
            }
        }
        return partitions;
    }
}
