package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.log.StartRefusedException;
import io.surety.broker.metadata.DataDirectory;
import java.io.IOException;
import java.util.concurrent.Callable;
import org.apache.kafka.common.Uuid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code surety format --cluster-id <id> [server.properties] [--override key=value ...]}: prepares
 * an empty data directory for a node, as {@code kafka-storage format -t <id> -c <file>} does. It
 * writes {@code meta.properties} with the cluster id, the node id of the configuration and a new
 * directory id (see {@link DataDirectory}); nothing else. Every node of a cluster is formatted with
 * the same cluster id before its first start; a cluster node never formats itself. A single node
 * may be formatted too, to choose its cluster id.
 *
 * <p>{@code --replace} formats a new, empty directory for a node id whose old directory was lost; it
 * marks the directory so, and that mark is the operator's explicit word the quorum waits for before
 * the node votes or rejoins an ISR with its new directory id. {@code --ignore-formatted} leaves a
 * directory already formatted for this cluster and node as it is, as Kafka's option does.
 *
 * <p>Exit codes: 0 when formatted or left as formatted; 2 with one line on stderr for a mistake (bad
 * configuration, a cluster id that is not a base64 UUID, a directory formatted already or not
 * Surety's); 1 when an I/O error stopped it.
 */
@Command(name = "format", mixinStandardHelpOptions = true,
        description = "Format an empty data directory for a node: cluster id, node id and a new directory id.")
final class FormatCommand implements Callable<Integer> {

    private static final int MISTAKE = 2;

    @Option(names = {"--cluster-id", "-t"}, required = true, paramLabel = "<id>",
            description = "The cluster id, a base64 UUID as bin/surety random-uuid prints; the same on every node.")
    private String clusterId;

    @Option(names = {"--ignore-formatted", "-g"},
            description = "Leave a directory already formatted for this cluster and node as it is instead of failing.")
    private boolean ignoreFormatted;

    @Option(names = "--replace",
            description = "This empty directory replaces a lost one of the same node.id: let the node vote and "
                    + "rejoin ISRs with its new directory id.")
    private boolean replace;

    @Mixin
    private ConfigOptions configOptions = new ConfigOptions();

    @Override
    public Integer call() {
        BrokerConfig config;
        try {
            config = configOptions.load();
        } catch (ConfigOptions.InvalidConfiguration e) {
            return mistake(e.getMessage());
        }
        String problem = clusterIdProblem(clusterId);
        if (problem != null) {
            return mistake("Invalid --cluster-id '" + clusterId + "': " + problem + "; give the id bin/surety random-uuid "
                    + "printed, the same on every node of the cluster");
        }
        try {
            DataDirectory.FormatOutcome outcome = DataDirectory.format(config.storage().dataDir(), clusterId,
                    config.nodeId(), replace, ignoreFormatted);
            try (DataDirectory directory = DataDirectory.openExisting(config.storage().dataDir(), config.nodeId())) {
                System.out.println(outcome == DataDirectory.FormatOutcome.FORMATTED
                        ? "Formatted " + directory.path() + ": cluster.id=" + clusterId + ", node.id=" + config.nodeId()
                                + ", directory.id=" + directory.identity().directoryId().map(Uuid::toString).orElse("?")
                                + (replace ? ", a replacement of the node's earlier directory" : "")
                        : "Left " + directory.path() + " as it was: already formatted for cluster " + clusterId);
            }
            return 0;
        } catch (StartRefusedException e) {
            return mistake(e.getMessage());
        } catch (IOException e) {
            System.err.println("Could not format " + config.storage().dataDir() + ": " + e);
            return 1;
        }
    }

    /** Why {@code id} is not a cluster id Kafka would take, or null: it must be a base64 UUID, not a reserved one. */
    static String clusterIdProblem(String id) {
        Uuid uuid;
        try {
            uuid = Uuid.fromString(id);
        } catch (IllegalArgumentException e) {
            return "not a base64 UUID (22 characters)";
        }
        return Uuid.RESERVED.contains(uuid) ? "a reserved UUID" : null;
    }

    private static int mistake(String line) {
        System.err.println(line);
        return MISTAKE;
    }
}
