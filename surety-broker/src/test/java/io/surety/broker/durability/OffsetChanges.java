package io.surety.broker.durability;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Offsets that a reader was given during a run and that hold something else (or nothing) at the end. Stateless. */
final class OffsetChanges {

    private static final int MAX_LISTED = 20;

    private OffsetChanges() {
    }

    /**
     * Compares {@code seen} (per partition, offset to sequence number) with {@code finalLog}; returns
     * up to 20 descriptions of offsets whose value changed or vanished.
     */
    static List<String> between(Map<Integer, Map<Long, Long>> seen, Map<Integer, List<TopicReader.Stored>> finalLog) {
        List<String> changes = new ArrayList<>();
        for (Map.Entry<Integer, Map<Long, Long>> partition : seen.entrySet()) {
            Map<Long, Long> atEnd = new HashMap<>();
            finalLog.getOrDefault(partition.getKey(), List.of()).forEach(r -> atEnd.put(r.offset(), r.seq()));
            for (Map.Entry<Long, Long> read : partition.getValue().entrySet()) {
                Long now = atEnd.get(read.getKey());
                if ((now == null || !now.equals(read.getValue())) && changes.size() < MAX_LISTED) {
                    changes.add(partition.getKey() + "@" + read.getKey() + " read as seq " + read.getValue()
                            + ", at the end " + now);
                }
            }
        }
        return changes;
    }
}
