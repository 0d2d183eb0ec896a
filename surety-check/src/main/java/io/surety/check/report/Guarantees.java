package io.surety.check.report;

import io.surety.check.result.GuaranteeResult;
import io.surety.check.result.Timeline;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The order in which the reports list guarantees: as the results list them, then the known ids, then any other. */
final class Guarantees {

    static final List<String> KNOWN = List.of("at-most-once", "at-least-once", "acks=1", "exactly-once");

    private Guarantees() {
    }

    static List<String> order(List<GuaranteeResult> results, Timeline timeline) {
        Set<String> order = new LinkedHashSet<>();
        results.forEach(r -> order.add(r.guarantee()));
        if (timeline != null) {
            Set<String> inTimeline = new TreeSet<>(timeline.acknowledgedPerBucket().keySet());
            inTimeline.addAll(timeline.deliveredPerBucket().keySet());
            addInOrder(order, inTimeline);
        }
        return new ArrayList<>(order);
    }

    static List<String> order(Collection<String> ids) {
        Set<String> order = new LinkedHashSet<>();
        addInOrder(order, new TreeSet<>(ids));
        return new ArrayList<>(order);
    }

    private static void addInOrder(Set<String> order, Set<String> ids) {
        KNOWN.stream().filter(ids::contains).forEach(order::add);
        order.addAll(ids);
    }
}
