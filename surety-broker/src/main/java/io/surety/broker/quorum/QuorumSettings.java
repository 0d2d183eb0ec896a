package io.surety.broker.quorum;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one member of the quorum runs: which cluster (the Ratis group id derives from the cluster id,
 * so members of different clusters never join each other's group), which voter it is, where its
 * quorum storage lives, and its timing.
 *
 * @param electionTimeout the shortest time a follower waits for its leader before starting an
 *     election; Ratis draws each wait between this and twice this. Kafka's
 *     {@code controller.quorum.election.timeout.ms} (1 s) sits well above the pauses a loaded
 *     machine shows, where Ratis's own 150 ms default would churn.
 * @param snapshotEveryEntries after how many applied entries a snapshot is written and the log
 *     before it purged
 */
public record QuorumSettings(String clusterId, int selfId, List<QuorumPeer> voters, Path storageDir,
                             Duration electionTimeout, long snapshotEveryEntries) {

    public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofSeconds(1);
    public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;

    public QuorumSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(storageDir, "storageDir");
        voters = List.copyOf(voters);
        if (voters.stream().noneMatch(v -> v.nodeId() == selfId)) {
            throw new IllegalArgumentException("node " + selfId + " is not one of the voters " + voters);
        }
        if (voters.stream().map(QuorumPeer::nodeId).distinct().count() != voters.size()) {
            throw new IllegalArgumentException("a node id appears twice among the voters " + voters);
        }
        if (electionTimeout.isNegative() || electionTimeout.isZero()) {
            throw new IllegalArgumentException("election timeout must be positive: " + electionTimeout);
        }
        if (snapshotEveryEntries < 1) {
            throw new IllegalArgumentException("snapshotEveryEntries must be at least 1");
        }
    }

    public QuorumSettings(String clusterId, int selfId, List<QuorumPeer> voters, Path storageDir) {
        this(clusterId, selfId, voters, storageDir, DEFAULT_ELECTION_TIMEOUT, DEFAULT_SNAPSHOT_EVERY_ENTRIES);
    }

    QuorumPeer self() {
        return voters.stream().filter(v -> v.nodeId() == selfId).findFirst().orElseThrow();
    }
}
