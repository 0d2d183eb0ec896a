package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.PartitionState;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.metadata.DeletedTopic;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.PartitionMetadataFile;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes the replicas this node holds that the committed metadata no longer gives it — and only
 * those whose topic id proves it: the id in the directory's {@code partition.metadata}, or the id
 * the replica is open under (checked against that file when it opened). Never because of a name: a
 * topic deleted and created again has the same name and a new id. As Kafka's broker does:
 * <ul>
 *   <li><b>While running</b> (every image after the first this process acts on): a topic whose id
 *       the image no longer holds was deleted. Its replicas stop following, the deletion is recorded
 *       and the replicas go as a single node's DeleteTopics does
 *       ({@link PartitionRegistry#deleteReplicas}: renamed {@code <dir>.<id>-delete} at once,
 *       deleted after {@code file.delete.delay.ms}), and the topic is forgotten locally. A partition
 *       whose replicas no longer list this node was moved away: that replica goes the same way.</li>
 *   <li><b>At start</b> (the first image that holds this process's registration): a replica held
 *       under a topic id the image lacks, or of a partition that no longer lists this node, is
 *       <em>stray</em> — stopped, renamed {@code <dir>.<id>-stray}, reported with a WARN naming
 *       topic, partition, id and size, and kept. This covers the topic definitions this node
 *       recorded and every partition directory with a {@code partition.metadata} file.</li>
 * </ul>
 * A directory whose id cannot be read, or that names an id the metadata still has elsewhere, is
 * reported once with an ERROR and kept; its topic definition stays too, so a new topic of the same
 * name is refused on this node ({@link ReplicaRoles}) rather than served on top of it.
 *
 * <p>Threading: the metadata-publisher thread only, called by {@link ReplicaRoles} before it gives
 * roles, so a topic created again under the same name starts on a clean directory.
 *
 * <p>Implementation notes: strays are kept, not deleted, because Kafka keeps them
 * ({@code LogManager} renames them {@code -stray} and never deletes them) and for its reason: at
 * start nothing says why the metadata lacks the data — the topic may have been deleted while the
 * node was down, or the metadata may not be what the operator believes (a restored or replaced
 * quorum directory) — and a wrong guess could not be undone, while a rename costs nothing but disk.
 * The WARN gives the size to reclaim, and each later start lists the directory among the data
 * directory's unknown entries until an operator removes it. While running, each removal follows a
 * decision this node saw committed (a deletion, a reassignment), so the data goes. A deleted
 * topic's removal is recorded first ({@link TopicRegistry#remove}), so a crash before the files
 * are gone is finished by the next start; a moved-away replica's is not, and such a crash leaves its
 * {@code -delete} directory, which the next start reports among the unknown entries.
 */
final class ReplicaRemoval {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaRemoval.class);

    private final int nodeId;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final FollowerFetching fetching;
    /** Directories kept for want of proof, each reported once (this runs for every image). */
    private final Set<TopicPartition> reportedKept = new HashSet<>();

    ReplicaRemoval(int nodeId, TopicRegistry topics, PartitionRegistry partitions, FollowerFetching fetching) {
        this.nodeId = nodeId;
        this.topics = topics;
        this.partitions = partitions;
        this.fetching = fetching;
    }

    /** At start: moves aside every replica held here that {@code image} does not give this node. */
    void moveStraysAside(ClusterImage image) {
        try {
            for (TopicPartition tp : partitions.unopenedDirectoriesWithTopicId()) {
                strayDirectory(tp, image);
            }
        } catch (IOException e) {
            LOG.error("Node {} could not list its data directory for stray replicas: {}", nodeId, e.toString());
        }
        for (TopicInfo local : List.copyOf(topics.all())) {
            TopicImage current = image.topic(local.id());
            boolean allGone = true;
            for (TopicPartition tp : held(local)) {
                if (current != null && assignedHere(current, tp.partition())) {
                    allGone = false;
                } else if (proven(tp, local.id())) {
                    moveAside(tp, local.id(), current == null ? "topic id " + local.id() + " is not in the metadata"
                            : "the partition's replicas " + current.partition(tp.partition()).replicas()
                                    + " do not include node " + nodeId);
                } else {
                    allGone = false;
                }
            }
            if (allGone && (current == null || !assignedAnywhere(current))) {
                forget(local);
            }
        }
    }

    /** While running: removes the replicas of topics {@code image} deleted and of partitions it moved away. */
    void removeUnassigned(ClusterImage image) {
        for (TopicInfo local : List.copyOf(topics.all())) {
            TopicImage current = image.topic(local.id());
            if (current == null) {
                removeDeleted(local);
                continue;
            }
            List<TopicPartition> movedAway = new ArrayList<>();
            for (TopicPartition tp : held(local)) {
                if (!assignedHere(current, tp.partition()) && proven(tp, local.id())) {
                    movedAway.add(tp);
                }
            }
            if (!movedAway.isEmpty()) {
                remove(local, movedAway, () -> { });
                LOG.info("Node {} removed its replicas {} of topic {} (id {}): the metadata moved them to other "
                        + "nodes", nodeId, movedAway, local.name(), local.id());
                if (!assignedAnywhere(current) && held(local).isEmpty()) {
                    forget(local);
                }
            }
        }
    }

    private void removeDeleted(TopicInfo local) {
        List<TopicPartition> proven = new ArrayList<>();
        boolean allProven = true;
        for (TopicPartition tp : held(local)) {
            if (proven(tp, local.id())) {
                proven.add(tp);
            } else {
                allProven = false;
            }
        }
        if (!allProven) {
            // The definition stays, holding the name, while a directory of unproven data is here.
            remove(local, proven, () -> { });
            return;
        }
        if (proven.isEmpty()) {
            forget(local);
            return;
        }
        try {
            topics.remove(local);
        } catch (IOException e) {
            LOG.error("Node {} could not record the deletion of topic {} (id {}); the next image tries again: {}",
                    nodeId, local.name(), local.id(), e.toString());
            return;
        }
        DeletedTopic deleted = new DeletedTopic(local.name(), local.id(), local.partitionCount());
        remove(local, proven, () -> forgetDeleted(deleted));
        LOG.info("Node {} removed its replicas {} of deleted topic {} (id {})", nodeId, proven, local.name(),
                local.id());
    }

    /** Stops {@code replicas} and deletes them after the topic's {@code file.delete.delay.ms}. */
    private void remove(TopicInfo local, List<TopicPartition> replicas, Runnable whenGone) {
        if (replicas.isEmpty()) {
            return;
        }
        replicas.forEach(fetching::stopFollowing);
        try {
            partitions.deleteReplicas(local.id(), replicas, local.config().fileDeleteDelayMs(), whenGone);
        } catch (IOException e) {
            LOG.error("Node {} could not remove its replicas {} of topic {} (id {}): {}", nodeId, replicas,
                    local.name(), local.id(), e.toString());
        }
    }

    /** A directory no topic definition of this node accounts for, whose {@code partition.metadata} names an id. */
    private void strayDirectory(TopicPartition tp, ClusterImage image) {
        Optional<Uuid> held;
        try {
            held = partitions.heldTopicId(tp);
        } catch (IOException e) {
            reportKept(tp, e.getMessage());
            return;
        }
        if (held.isEmpty()) {
            return;
        }
        TopicImage current = image.topic(held.get());
        if (current == null) {
            moveAside(tp, held.get(), "topic id " + held.get() + " is not in the metadata");
        } else if (!current.name().equals(tp.topic())) {
            reportKept(tp, "its " + PartitionMetadataFile.FILE_NAME + " names topic id " + held.get()
                    + ", which the metadata has as topic " + current.name());
        } else if (!assignedHere(current, tp.partition())) {
            moveAside(tp, held.get(), current.partition(tp.partition()) == null
                    ? "topic " + current.name() + " has no partition " + tp.partition()
                    : "the partition's replicas " + current.partition(tp.partition()).replicas()
                            + " do not include node " + nodeId);
        }
    }

    private void moveAside(TopicPartition tp, Uuid topicId, String why) {
        fetching.stopFollowing(tp);
        try {
            long sizeBytes = partitions.moveStrayAside(tp, topicId);
            LOG.warn("Node {} found a stray replica of topic {} partition {} (topic id {}, {} bytes): {}. It is "
                    + "renamed {}.{}-stray and kept; delete it once it is not needed", nodeId, tp.topic(),
                    tp.partition(), topicId, sizeBytes, why, PartitionRegistry.directoryName(tp), topicId);
        } catch (IOException | RuntimeException e) {
            LOG.error("Node {} could not move the stray replica {} (topic id {}) aside; it is kept as it is: {}",
                    nodeId, tp, topicId, e.toString());
        }
    }

    /** Whether {@code tp}'s replica here is shown to hold {@code topicId}'s data; reports it once if not. */
    private boolean proven(TopicPartition tp, Uuid topicId) {
        try {
            Optional<Uuid> held = partitions.heldTopicId(tp);
            if (held.isPresent() && held.get().equals(topicId)) {
                return true;
            }
            reportKept(tp, held.isEmpty() ? "its directory has no " + PartitionMetadataFile.FILE_NAME
                    : "its " + PartitionMetadataFile.FILE_NAME + " names topic id " + held.get() + ", not " + topicId);
        } catch (IOException e) {
            reportKept(tp, e.getMessage());
        }
        return false;
    }

    private void reportKept(TopicPartition tp, String why) {
        if (reportedKept.add(tp)) {
            LOG.error("Node {} keeps the directory {} although the metadata does not give it this replica: {}. "
                    + "Nothing is removed without proof by topic id; check it and move it out of the data directory",
                    nodeId, PartitionRegistry.directoryName(tp), why);
        }
    }

    /** The partitions of {@code local} this node holds: open, or with a directory. */
    private List<TopicPartition> held(TopicInfo local) {
        List<TopicPartition> held = new ArrayList<>();
        for (int p = 0; p < local.partitionCount(); p++) {
            TopicPartition tp = new TopicPartition(local.name(), p);
            if (partitions.get(tp) != null || partitions.hasDirectory(tp)) {
                held.add(tp);
            }
        }
        return held;
    }

    private boolean assignedHere(TopicImage topic, int partitionId) {
        PartitionState state = topic.partition(partitionId);
        return state != null && state.replicas().contains(nodeId);
    }

    private boolean assignedAnywhere(TopicImage topic) {
        return topic.partitions().values().stream().anyMatch(state -> state.replicas().contains(nodeId));
    }

    private void forget(TopicInfo local) {
        try {
            topics.forget(local);
        } catch (IOException e) {
            LOG.error("Node {} could not forget topic {} (id {}): {}", nodeId, local.name(), local.id(), e.toString());
        }
    }

    private void forgetDeleted(DeletedTopic deleted) {
        try {
            topics.forgetDeleted(deleted);
        } catch (IOException e) {
            LOG.warn("Node {} could not close the deletion record of topic {}; the next start does", nodeId,
                    deleted.name(), e);
        }
    }
}
