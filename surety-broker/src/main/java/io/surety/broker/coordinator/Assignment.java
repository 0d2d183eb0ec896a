package io.surety.broker.coordinator;

import java.util.Collections;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * A set of partitions, by topic id: what a consumer group member owns, must revoke, or is targeted
 * to own. Immutable value; topics with no partitions are never stored, so equal sets are equal.
 */
record Assignment(Map<Uuid, Set<Integer>> partitions) {

    static final Assignment EMPTY = new Assignment(Map.of());

    Assignment {
        TreeMap<Uuid, Set<Integer>> copy = new TreeMap<>();
        for (Map.Entry<Uuid, Set<Integer>> entry : partitions.entrySet()) {
            if (!entry.getValue().isEmpty()) {
                copy.put(entry.getKey(), Collections.unmodifiableSet(new TreeSet<>(entry.getValue())));
            }
        }
        partitions = Collections.unmodifiableMap(copy);
    }

    boolean isEmpty() {
        return partitions.isEmpty();
    }

    int size() {
        int n = 0;
        for (Set<Integer> set : partitions.values()) {
            n += set.size();
        }
        return n;
    }

    boolean contains(Uuid topicId, int partition) {
        Set<Integer> set = partitions.get(topicId);
        return set != null && set.contains(partition);
    }

    /** The partitions in this set and not in {@code other}. */
    Assignment minus(Assignment other) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, set) -> {
            Set<Integer> left = new TreeSet<>(set);
            left.removeAll(other.partitions.getOrDefault(topic, Set.of()));
            out.put(topic, left);
        });
        return new Assignment(out);
    }

    /** The partitions in both sets. */
    Assignment intersect(Assignment other) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, set) -> {
            Set<Integer> both = new TreeSet<>(set);
            both.retainAll(other.partitions.getOrDefault(topic, Set.of()));
            out.put(topic, both);
        });
        return new Assignment(out);
    }

    /** The partitions in either set. */
    Assignment plus(Assignment other) {
        Map<Uuid, Set<Integer>> out = new TreeMap<>();
        partitions.forEach((topic, set) -> out.put(topic, new TreeSet<>(set)));
        other.partitions.forEach((topic, set) -> out.computeIfAbsent(topic, t -> new TreeSet<>()).addAll(set));
        return new Assignment(out);
    }

    /** A mutable builder's worth of partitions: topic id → partitions. */
    static Assignment of(Map<Uuid, ? extends java.util.Collection<Integer>> partitions) {
        Map<Uuid, Set<Integer>> copy = new TreeMap<>();
        partitions.forEach((topic, list) -> copy.put(topic, new TreeSet<>(list)));
        return new Assignment(copy);
    }
}
