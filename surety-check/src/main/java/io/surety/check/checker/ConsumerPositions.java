package io.surety.check.checker;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one consumer instance last did per partition, as far as skip detection needs it: its
 * assignment, the offset it last polled since its last assignment change, and the partitions whose
 * first poll after that change is still to come.
 */
final class ConsumerPositions {

    private static final long NEVER = -1;

    private Set<Integer> assignment = Set.of();
    private final Map<Integer, Long> lastPolled = new HashMap<>();
    /** Partitions newly assigned to this consumer, not polled since. */
    private final Set<Integer> acquired = new HashSet<>();
    /** Partitions kept across an assignment change, not polled since: the offset polled last before it. */
    private final Map<Integer, Long> kept = new HashMap<>();

    void assign(Set<Integer> partitions) {
        acquired.retainAll(partitions);
        kept.keySet().retainAll(partitions);
        for (int p : partitions) {
            if (acquired.contains(p) || kept.containsKey(p)) {
                continue; // still waiting for its first poll since an earlier change
            }
            if (assignment.contains(p)) {
                kept.put(p, lastPolled.getOrDefault(p, NEVER));
            } else {
                acquired.add(p);
            }
        }
        lastPolled.clear();
        assignment = Set.copyOf(partitions);
    }

    /**
     * Records a poll of {@code offset} from {@code partition} and notes in {@code skipped} the offsets
     * jumped over to get there; {@code committed} is the group's committed offset for the partition.
     */
    void poll(int partition, long offset, long committed, SkippedRanges skipped) {
        Long last = lastPolled.put(partition, offset);
        if (acquired.remove(partition)) {
            skipped.add(partition, committed, offset);
        } else if (kept.containsKey(partition)) {
            long before = kept.remove(partition);
            skipped.add(partition, Math.max(committed, before + 1), offset);
        } else if (last != null) {
            skipped.add(partition, last + 1, offset);
        }
    }
}
