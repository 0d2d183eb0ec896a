package io.surety.broker.metrics;

import java.util.List;

/**
 * What the broker's {@code /ready} endpoint reports: whether it has started (recovery done, the
 * Kafka listener accepting clients, not stopping), and what needs an operator while it serves —
 * partitions it keeps offline ({@code "<topic>-<partition>: <why>"}) and entries of the data
 * directory that belong to nothing it knows. Neither makes the broker unready: one damaged
 * partition must not get a healthy broker restarted by its orchestrator.
 */
public record BrokerHealth(boolean started, List<String> offlinePartitions, List<String> unknownEntries) {

    public BrokerHealth {
        offlinePartitions = List.copyOf(offlinePartitions);
        unknownEntries = List.copyOf(unknownEntries);
    }

    /** A broker that has not started, or is stopping. */
    public static final BrokerHealth NOT_STARTED = new BrokerHealth(false, List.of(), List.of());

    /** The body of {@code /ready}: a first word, then one line per thing that needs an operator. */
    String readyText() {
        if (!started) {
            return "not ready: starting (recovering logs) or stopping\n";
        }
        StringBuilder text = new StringBuilder("ready\n");
        offlinePartitions.forEach(p -> text.append("offline partition ").append(p).append('\n'));
        unknownEntries.forEach(e -> text.append("unknown entry in the data directory: ").append(e).append('\n'));
        return text.toString();
    }
}
