package io.surety.broker.metrics;

import java.util.List;

/**
 * What the broker's {@code /ready} endpoint reports: whether it has started (recovery done, the
 * Kafka listener accepting clients, in cluster mode joined the cluster, not stopping), what a
 * cluster node still waits for before it counts as joined, and what needs an operator while it
 * serves — partitions it keeps offline ({@code "<topic>-<partition>: <why>"}) and entries of the
 * data directory that belong to nothing it knows. Neither of the last two makes the broker unready:
 * one damaged partition must not get a healthy broker restarted by its orchestrator.
 *
 * @param waitingFor what a cluster node lacks to join, one line each (empty on a single node and
 *                   once joined); only reported while not started
 */
public record BrokerHealth(boolean started, List<String> waitingFor, List<String> offlinePartitions,
        List<String> unknownEntries) {

    public BrokerHealth {
        waitingFor = List.copyOf(waitingFor);
        offlinePartitions = List.copyOf(offlinePartitions);
        unknownEntries = List.copyOf(unknownEntries);
    }

    /** A started broker with nothing to wait for. */
    public BrokerHealth(boolean started, List<String> offlinePartitions, List<String> unknownEntries) {
        this(started, List.of(), offlinePartitions, unknownEntries);
    }

    /** A broker that has not started, or is stopping. */
    public static final BrokerHealth NOT_STARTED = new BrokerHealth(false, List.of(), List.of());

    /** A cluster node that serves its listener but has not joined the cluster yet: {@code missing} says why. */
    public static BrokerHealth joining(List<String> missing) {
        return new BrokerHealth(false, missing, List.of(), List.of());
    }

    /** The body of {@code /ready}: a first word, then one line per thing that needs an operator. */
    String readyText() {
        if (!started) {
            if (waitingFor.isEmpty()) {
                return "not ready: starting (recovering logs) or stopping\n";
            }
            StringBuilder text = new StringBuilder("not ready: joining the cluster\n");
            waitingFor.forEach(w -> text.append("waiting for ").append(w).append('\n'));
            return text.toString();
        }
        StringBuilder text = new StringBuilder("ready\n");
        offlinePartitions.forEach(p -> text.append("offline partition ").append(p).append('\n'));
        unknownEntries.forEach(e -> text.append("unknown entry in the data directory: ").append(e).append('\n'));
        return text.toString();
    }
}
