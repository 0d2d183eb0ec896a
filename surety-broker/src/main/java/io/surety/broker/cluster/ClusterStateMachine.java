package io.surety.broker.cluster;

import io.surety.broker.cluster.ClusterRecord.ClusterId;
import io.surety.broker.cluster.ClusterRecord.Partition;
import io.surety.broker.cluster.ClusterRecord.ProducerIds;
import io.surety.broker.cluster.ClusterRecord.RegisterBroker;
import io.surety.broker.cluster.ClusterRecord.Security;
import io.surety.broker.cluster.ClusterRecord.Topic;
import io.surety.broker.cluster.ClusterRecord.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The cluster's metadata, rebuilt by replaying committed entries in log order: the quorum hands
 * each entry's records to {@link #replay} with the entry's log index, and {@link #image()} is the
 * result. Replaying the same entries from {@link ClusterImage#EMPTY} always gives an equal image,
 * on every node.
 *
 * <p>Snapshots: {@link #snapshot} writes an image as the records that recreate it, so a snapshot
 * is just one more list of records (encode it with {@link ClusterRecordCodec}) and
 * {@link #restore} is a replay of it from empty. Restoring a snapshot taken at index N and then
 * replaying the entries after N gives the same image as replaying everything.
 *
 * <p>Threading: one owner (the quorum's apply thread) calls {@link #replay} and {@link #restore};
 * not thread-safe. The images it returns are immutable and may be published to any thread.
 */
public final class ClusterStateMachine {

    private ClusterImage image = ClusterImage.EMPTY;

    /** The image after the last entry replayed. */
    public ClusterImage image() {
        return image;
    }

    /**
     * Applies the records of the entry committed at {@code index} (records one decision proposed,
     * applied whole) and returns the new image.
     *
     * @throws IllegalStateException when a record does not fit the image (see {@link ImageDelta});
     *         the image is then unchanged
     */
    public ClusterImage replay(long index, List<ClusterRecord> records) {
        ImageDelta delta = new ImageDelta(image);
        for (ClusterRecord record : records) {
            delta.apply(index, record);
        }
        image = delta.build(index);
        return image;
    }

    /** Replaces the state with the snapshot {@code records} taken at {@code index}, and returns the image. */
    public ClusterImage restore(long index, List<ClusterRecord> records) {
        image = ClusterImage.EMPTY;
        return replay(index, records);
    }

    /**
     * {@code image} as records, in an order replay accepts: the cluster id, every broker with its
     * epoch and flags, every topic with its configs and partitions, the next producer id, then the
     * users and ACLs.
     * Empty for the empty image.
     */
    public static List<ClusterRecord> snapshot(ClusterImage image) {
        List<ClusterRecord> out = new ArrayList<>();
        if (image.clusterId().isEmpty()) {
            return out;
        }
        out.add(new ClusterId(image.clusterId().get()));
        for (BrokerRegistration b : image.brokers().values()) {
            out.add(new RegisterBroker(b.brokerId(), b.incarnationId(), b.brokerEpoch(), b.directoryId(), b.endpoints(),
                    b.rack(), b.fenced(), b.inControlledShutdown(), b.directoryPendingReplace()));
        }
        for (TopicImage topic : image.topicsByName().values()) {
            out.add(new Topic(topic.name(), topic.id()));
            topic.configs().forEach((key, value) -> out.add(new TopicConfig(topic.id(), key, Optional.of(value))));
            topic.partitions().forEach((id, p) -> out.add(new Partition(topic.id(), id, p.replicas(), p.isr(), p.leader(),
                    p.leaderRecoveryState(), p.leaderEpoch(), p.partitionEpoch(), p.addingReplicas(), p.removingReplicas())));
        }
        if (image.nextProducerId() > 0) {
            out.add(new ProducerIds(-1, -1, image.nextProducerId()));
        }
        image.security().records().forEach(record -> out.add(new Security(record)));
        return out;
    }
}
