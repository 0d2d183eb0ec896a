package io.surety.broker.node;

import io.surety.broker.cluster.BrokerRegistration;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.IsrEligibility;
import io.surety.broker.partition.IsrSettings;
import io.surety.broker.partition.LeaderAndIsr;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each committed metadata image into this node's replicas and their roles: a topic with a
 * replica here is recorded locally (its id and configs, so the request handlers find it), the
 * partition is opened, and it leads or follows as the image says. Nothing polls: this runs for every
 * image, in commit order, on the node's metadata-publisher thread ({@link ImageListener}).
 *
 * <p>Implementation notes: every step is idempotent — a role the partition already has in the same
 * epoch is a no-op inside {@code Replication} — so handling the whole image each time keeps the code
 * free of delta bookkeeping; a cluster of a few thousand partitions costs microseconds per image.
 * Before the roles, {@link ReplicaRemoval} takes away what the image no longer gives this node (a
 * deleted topic, a partition moved away; at start, stray replicas), and only on proof by topic id,
 * so a topic created again under a deleted one's name is hosted on a clean directory.
 */
final class ReplicaRoles implements ImageListener {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRoles.class);

    private final int nodeId;
    private final Uuid incarnationId;
    private final BrokerConfig config;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final FollowerFetching fetching;
    private final LongSupplier nowMs;
    private final ReplicaRemoval removal;
    /** Whether an image has been acted on yet: the first one finds the strays, later ones removals. */
    private boolean started;
    private boolean pendingReported;
    /** Topics whose replicas could not be taken up, each reported once (this runs for every image). */
    private final Set<Uuid> reportedFailures = new HashSet<>();
    /** Formatted with --replace: the controller accepts the directory right after registering it. */
    private final boolean replacementDirectory;

    ReplicaRoles(int nodeId, Uuid incarnationId, boolean replacementDirectory, BrokerConfig config, TopicRegistry topics,
                 PartitionRegistry partitions, FollowerFetching fetching, LongSupplier nowMs) {
        this.nodeId = nodeId;
        this.replacementDirectory = replacementDirectory;
        this.incarnationId = incarnationId;
        this.config = config;
        this.topics = topics;
        this.partitions = partitions;
        this.fetching = fetching;
        this.nowMs = nowMs;
        this.removal = new ReplicaRemoval(nodeId, topics, partitions, fetching);
    }

    @Override
    public void imageChanged(ClusterImage previous, ClusterImage current) {
        if (!caughtUp(current)) {
            return;
        }
        if (current.broker(nodeId).directoryPendingReplace() && !pendingReported && !replacementDirectory) {
            pendingReported = true;
            LOG.warn("Node {}'s data directory is new to the cluster (directory.id {}): its replicas catch up but do "
                    + "not lead or join an ISR until the directory is formatted with bin/surety format --replace",
                    nodeId, current.broker(nodeId).directoryId());
        }
        if (started) {
            removal.removeUnassigned(current);
        } else {
            started = true;
            removal.moveStraysAside(current);
        }
        IsrEligibility eligibility = eligibilityOf(current);
        for (TopicImage topic : current.topicsByName().values()) {
            if (topic.partitions().values().stream().noneMatch(p -> p.replicas().contains(nodeId))) {
                continue;
            }
            try {
                TopicInfo local = recordTopic(topic);
                topic.partitions().forEach((id, state) -> {
                    if (state.replicas().contains(nodeId)) {
                        applyRole(new TopicPartition(topic.name(), id), local, state, eligibility);
                    }
                });
            } catch (IOException | RuntimeException e) {
                if (reportedFailures.add(topic.id())) {
                    LOG.error("Node {} could not take up its replicas of {}: {}", nodeId, topic.name(), e.toString());
                }
            }
        }
    }

    /**
     * Whether {@code image} is recent enough to act on: it holds this process's own registration. A
     * restarting node replays the metadata log from its last snapshot, and the images on the way
     * are history (it led partitions that others lead now); acting on them would make it a leader
     * of a past epoch. Its registration is committed only after it started, so an image that holds
     * it holds everything decided before — as Kafka's broker waits for its metadata to catch up.
     */
    private boolean caughtUp(ClusterImage image) {
        BrokerRegistration self = image.broker(nodeId);
        return self != null && self.incarnationId().equals(incarnationId);
    }

    /** The topic as the handlers see it locally, recorded (durably) when new or changed. */
    private TopicInfo recordTopic(TopicImage topic) throws IOException {
        TopicInfo known = topics.get(topic.name());
        TopicConfig topicConfig = TopicConfig.of(config, topic.configs());
        TopicInfo wanted = new TopicInfo(topic.name(), topic.id(), topic.partitions().size(), topicConfig);
        if (known != null && !known.id().equals(topic.id())) {
            // Another topic's data under the same name (an older topic of this name, or a directory that
            // was a single node's): never served, truncated or replaced as the cluster's topic.
            throw new IllegalStateException("this node holds topic " + topic.name() + " with id " + known.id()
                    + ", but the cluster's has id " + topic.id() + "; its data is kept and this node does not "
                    + "host the cluster's topic until the old one's directories are moved out of the data directory");
        }
        if (!wanted.equals(known)) {
            topics.put(wanted);
        }
        return wanted;
    }

    private void applyRole(TopicPartition tp, TopicInfo topic, PartitionState state, IsrEligibility eligibility) {
        try {
            Partition partition = partitions.get(tp);
            if (partition == null) {
                partition = partitions.open(tp, topic.id(), topic.config(), true, false);
            } else if (!partition.config().equals(topic.config())) {
                partition.updateConfig(topic.config());
            }
            if (state.leader() == nodeId) {
                fetching.stopFollowing(tp);
                IsrSettings settings = new IsrSettings(topic.config().minInsyncReplicas(),
                        config.replication().replicaLagTimeMaxMs());
                partition.replication().becomeLeader(new LeaderAndIsr(nodeId, state.leaderEpoch(),
                        state.partitionEpoch(), state.replicas(), state.isr()), settings, eligibility, nowMs.getAsLong());
            } else {
                partition.replication().becomeFollower(state.leader(), state.leaderEpoch());
                if (state.hasLeader()) {
                    fetching.follow(tp, state.leader(), state.leaderEpoch());
                } else {
                    fetching.stopFollowing(tp);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.error("Node {} could not take up its role in {}: {}", nodeId, tp, e.toString());
        }
    }

    private static IsrEligibility eligibilityOf(ClusterImage image) {
        return new IsrEligibility() {
            @Override
            public long registeredEpoch(int brokerId) {
                BrokerRegistration broker = image.broker(brokerId);
                return broker == null ? -1 : broker.brokerEpoch();
            }

            @Override
            public boolean isActive(int brokerId) {
                BrokerRegistration broker = image.broker(brokerId);
                return broker != null && broker.eligible();
            }

            @Override
            public boolean isAlive(int brokerId) {
                BrokerRegistration broker = image.broker(brokerId);
                return broker != null && !broker.fenced();
            }
        };
    }
}
