package io.surety.check.run;

import io.surety.check.cluster.BrokerKind;
import io.surety.check.fault.FaultKind;
import io.surety.semantics.Guarantee;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What one check run does, after the command line was parsed and checked.
 *
 * @param guarantees        the guarantees run side by side
 * @param traffic           how long the producers send
 * @param rate              records per second per guarantee
 * @param recordSize        bytes per record value
 * @param partitions        partitions of each topic the check creates
 * @param bootstrapServers  an existing cluster, or null to start a Surety broker
 * @param restartCommand    for an existing cluster: a shell command that crashes and restarts the broker, or null
 * @param faults            the kinds of fault the schedule injects (empty: none)
 * @param producerSettings  the user's producer settings, laid over each guarantee's preset
 * @param consumerSettings  the user's consumer settings, laid over each guarantee's preset
 * @param reportDirectory   where index.html and summary.json go
 * @param workDirectory     where histories, client logs and the started broker's data go
 * @param brokers           nodes of the cluster the check starts: 1 (a single Surety broker) or more (a
 *                          replicated cluster); ignored with {@code bootstrapServers}
 * @param brokerKind        what the nodes of a replicated cluster the check starts run: Surety, or
 *                          Apache Kafka from its jars
 */
public record CheckOptions(
        List<Guarantee> guarantees,
        Duration traffic,
        int rate,
        int recordSize,
        int partitions,
        String bootstrapServers,
        String restartCommand,
        Set<FaultKind> faults,
        Map<String, String> producerSettings,
        Map<String, String> consumerSettings,
        Path reportDirectory,
        Path workDirectory,
        int brokers,
        BrokerKind brokerKind) {

    public CheckOptions {
        Objects.requireNonNull(brokerKind, "brokerKind");
        guarantees = List.copyOf(guarantees);
        faults = faults.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(faults));
        producerSettings = Map.copyOf(producerSettings);
        consumerSettings = Map.copyOf(consumerSettings);
    }

    /** Options for a single broker the check starts, or an existing cluster. */
    public CheckOptions(List<Guarantee> guarantees, Duration traffic, int rate, int recordSize, int partitions,
                        String bootstrapServers, String restartCommand, Set<FaultKind> faults,
                        Map<String, String> producerSettings, Map<String, String> consumerSettings, Path reportDirectory,
                        Path workDirectory) {
        this(guarantees, traffic, rate, recordSize, partitions, bootstrapServers, restartCommand, faults,
                producerSettings, consumerSettings, reportDirectory, workDirectory, 1, new BrokerKind.Surety());
    }

    public boolean startsItsOwnBroker() {
        return bootstrapServers == null;
    }

    /** Whether the check starts a replicated cluster of {@link #brokers()} nodes. */
    public boolean startsACluster() {
        return bootstrapServers == null && brokers > 1;
    }
}
