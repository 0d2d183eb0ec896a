package io.surety.broker.coordinator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.kafka.common.Uuid;

/**
 * Server-side assignors of consumer-protocol groups: given each member's subscribed topics and the
 * previous target assignment, compute the next target. Pure functions; thread-safe.
 */
sealed interface ServerAssignor {

    /** One member as an assignor sees it: its id and the topics (resolved to metadata) it subscribes to. */
    record Subscriber(String memberId, List<TopicView.Topic> topics) {
    }

    String name();

    /** The target assignment for {@code members}; {@code previous} is used to move as few partitions as possible. */
    Map<String, Assignment> assign(List<Subscriber> members, Map<String, Assignment> previous);

    static ServerAssignor named(String name) {
        return switch (name) {
            case "uniform" -> new Uniform();
            case "range" -> new Range();
            default -> null;
        };
    }

    /**
     * Spreads every subscribed partition as evenly as possible (sizes differ by at most one when
     * all members subscribe to the same topics), keeping each member's previous partitions where
     * that does not break the balance.
     */
    record Uniform() implements ServerAssignor {

        @Override
        public String name() {
            return "uniform";
        }

        @Override
        public Map<String, Assignment> assign(List<Subscriber> members, Map<String, Assignment> previous) {
            List<Subscriber> sorted = new ArrayList<>(members);
            sorted.sort(Comparator.comparing(Subscriber::memberId));
            Map<String, Map<Uuid, Set<Integer>>> out = new TreeMap<>();
            sorted.forEach(m -> out.put(m.memberId(), new TreeMap<>()));
            Map<Uuid, Set<String>> subscribersOf = new HashMap<>();
            List<long[]> all = new ArrayList<>();
            Map<Long, Uuid> topicByIndex = new HashMap<>();
            Map<Uuid, Long> indexOfTopic = new TreeMap<>();
            for (Subscriber m : sorted) {
                for (TopicView.Topic t : m.topics()) {
                    subscribersOf.computeIfAbsent(t.id(), id -> new TreeSet<>()).add(m.memberId());
                    if (!indexOfTopic.containsKey(t.id())) {
                        long index = indexOfTopic.size();
                        indexOfTopic.put(t.id(), index);
                        topicByIndex.put(index, t.id());
                        for (int p = 0; p < t.partitionCount(); p++) {
                            all.add(new long[] {index, p});
                        }
                    }
                }
            }
            int total = all.size();
            int quota = sorted.isEmpty() ? 0 : total / sorted.size();
            int extra = sorted.isEmpty() ? 0 : total % sorted.size();
            Map<String, Integer> counts = new HashMap<>();
            Set<String> taken = new TreeSet<>();
            // Pass 1: keep previous partitions up to the quota (one more for the first members that had more).
            for (Subscriber m : sorted) {
                Assignment before = previous.getOrDefault(m.memberId(), Assignment.EMPTY);
                int kept = 0;
                for (Map.Entry<Uuid, Set<Integer>> e : before.partitions().entrySet()) {
                    TopicView.Topic topic = find(m, e.getKey());
                    for (int p : e.getValue()) {
                        String key = e.getKey() + ":" + p;
                        boolean fits = kept < quota || (kept == quota && extra > 0);
                        if (topic != null && p < topic.partitionCount() && fits && taken.add(key)) {
                            if (kept == quota) {
                                extra--;
                            }
                            out.get(m.memberId()).computeIfAbsent(e.getKey(), id -> new TreeSet<>()).add(p);
                            kept++;
                        }
                    }
                }
                counts.put(m.memberId(), kept);
            }
            // Pass 2: every other partition goes to the least-loaded member subscribed to its topic.
            for (long[] tp : all) {
                Uuid topicId = topicByIndex.get(tp[0]);
                int partition = (int) tp[1];
                if (taken.contains(topicId + ":" + partition)) {
                    continue;
                }
                String best = null;
                for (String candidate : subscribersOf.get(topicId)) {
                    if (best == null || counts.get(candidate) < counts.get(best)) {
                        best = candidate;
                    }
                }
                out.get(best).computeIfAbsent(topicId, id -> new TreeSet<>()).add(partition);
                counts.merge(best, 1, Integer::sum);
            }
            Map<String, Assignment> result = new TreeMap<>();
            out.forEach((member, partitions) -> result.put(member, new Assignment(partitions)));
            return result;
        }

        private static TopicView.Topic find(Subscriber m, Uuid id) {
            for (TopicView.Topic t : m.topics()) {
                if (t.id().equals(id)) {
                    return t;
                }
            }
            return null;
        }
    }

    /**
     * Per topic, the members subscribed to it (by member id order) get contiguous ranges of its
     * partitions; the first {@code partitions % members} get one more.
     */
    record Range() implements ServerAssignor {

        @Override
        public String name() {
            return "range";
        }

        @Override
        public Map<String, Assignment> assign(List<Subscriber> members, Map<String, Assignment> previous) {
            Map<Uuid, TopicView.Topic> topics = new TreeMap<>();
            Map<Uuid, List<String>> subscribers = new HashMap<>();
            Map<String, Map<Uuid, Set<Integer>>> out = new TreeMap<>();
            for (Subscriber m : members) {
                out.put(m.memberId(), new TreeMap<>());
                for (TopicView.Topic t : m.topics()) {
                    topics.put(t.id(), t);
                    subscribers.computeIfAbsent(t.id(), id -> new ArrayList<>()).add(m.memberId());
                }
            }
            for (TopicView.Topic t : topics.values()) {
                List<String> ids = subscribers.get(t.id());
                ids.sort(null);
                int per = t.partitionCount() / ids.size();
                int extra = t.partitionCount() % ids.size();
                int next = 0;
                for (int i = 0; i < ids.size(); i++) {
                    int n = per + (i < extra ? 1 : 0);
                    Set<Integer> range = new TreeSet<>();
                    for (int k = 0; k < n; k++) {
                        range.add(next++);
                    }
                    out.get(ids.get(i)).put(t.id(), range);
                }
            }
            Map<String, Assignment> result = new TreeMap<>();
            out.forEach((member, partitions) -> result.put(member, new Assignment(partitions)));
            return result;
        }
    }
}
