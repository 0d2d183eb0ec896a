package io.surety.broker.quorum;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How one member of the quorum runs: which cluster (the Ratis group id derives from the cluster id,
 * so members of different clusters never join each other's group), who it is, who the voters are,
 * where its quorum storage lives, and its timing.
 *
 * <p>A member is a voter when {@code self} is one of {@code voters}; otherwise it is a non-voting
 * member (a broker-only node): it receives and applies every committed entry, but never votes,
 * never leads and never counts towards a majority.
 *
 * @param self this member's node id and the address its quorum peer listens on
 * @param electionTimeout the shortest time a follower waits for its leader before starting an
 *     election; Ratis draws each wait between this and twice this. Kafka's
 *     {@code controller.quorum.election.timeout.ms} (1 s) sits well above the pauses a loaded
 *     machine shows, where Ratis's own 150 ms default would churn.
 * @param snapshotEveryEntries after how many applied entries a snapshot is written and the log
 *     before it purged
 */
public record QuorumSettings(String clusterId, QuorumPeer self, List<QuorumPeer> voters, Path storageDir,
                             Duration electionTimeout, long snapshotEveryEntries) {

    public static final Duration DEFAULT_ELECTION_TIMEOUT = Duration.ofSeconds(1);
    public static final long DEFAULT_SNAPSHOT_EVERY_ENTRIES = 10_000;

    public QuorumSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(self, "self");
        Objects.requireNonNull(storageDir, "storageDir");
        voters = List.copyOf(voters);
        if (voters.isEmpty()) {
            throw new IllegalArgumentException("a quorum has at least one voter");
        }
        voters.stream().filter(v -> v.nodeId() == self.nodeId()).findFirst().ifPresent(entry -> {
            if (!entry.equals(self)) {
                throw new IllegalArgumentException("node " + self.nodeId() + " listens on " + self.host() + ":"
                        + self.port() + " but its voter entry says " + entry.host() + ":" + entry.port());
            }
        });
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

    /** The settings of voter {@code selfId}, one of {@code voters}. */
    public static QuorumSettings voter(String clusterId, int selfId, List<QuorumPeer> voters, Path storageDir,
                                       Duration electionTimeout, long snapshotEveryEntries) {
        QuorumPeer self = voters.stream().filter(v -> v.nodeId() == selfId).findFirst().orElseThrow(
                () -> new IllegalArgumentException("node " + selfId + " is not one of the voters " + voters));
        return new QuorumSettings(clusterId, self, voters, storageDir, electionTimeout, snapshotEveryEntries);
    }

    public int selfId() {
        return self.nodeId();
    }

    /** Whether this member votes (and may lead); a non-voting member only follows. */
    public boolean isVoter() {
        return voters.contains(self);
    }
}
