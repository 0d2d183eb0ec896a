package io.surety.broker.delay;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Waiting operations (a fetch waiting for {@code fetch.min.bytes}) registered per partition and
 * woken when new data becomes visible there. Waking removes the watcher; a watcher that still
 * waits registers again <em>before</em> it re-checks, so no wake-up can slip between its check and
 * its registration. Thread-safe.
 */
public final class PartitionWatchers {

    /** Something that waits for data in one or more partitions. */
    public interface Watcher {
        /** Called on the waking thread; must hand real work to another executor. */
        void wake();
    }

    private final Map<TopicPartition, Set<Watcher>> watchers = new ConcurrentHashMap<>();

    public void watch(TopicPartition partition, Watcher watcher) {
        watchers.computeIfAbsent(partition, p -> ConcurrentHashMap.newKeySet()).add(watcher);
    }

    public void unwatch(TopicPartition partition, Watcher watcher) {
        Set<Watcher> set = watchers.get(partition);
        if (set != null) {
            set.remove(watcher);
        }
    }

    /** Wakes (and removes) every watcher of {@code partition}. */
    public void wake(TopicPartition partition) {
        Set<Watcher> set = watchers.get(partition);
        if (set == null || set.isEmpty()) {
            return;
        }
        for (Watcher watcher : set) {
            if (set.remove(watcher)) {
                watcher.wake();
            }
        }
    }

    /** Registered watchers across partitions (tests, metrics). */
    public int size() {
        return watchers.values().stream().mapToInt(Set::size).sum();
    }
}
