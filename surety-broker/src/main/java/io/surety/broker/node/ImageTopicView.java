package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.coordinator.TopicView;
import java.util.Collection;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;

/**
 * The coordinators' view of a cluster's topics: the committed metadata this node has applied, so
 * every topic of the cluster, whether or not this node holds a replica of it. (The node's topic
 * registry holds only the topics it has replicas of: a coordinator that checked offsets against it
 * refused commits for partitions moved off its node.) Thread-safe: each call reads one image.
 */
public final class ImageTopicView implements TopicView {

    private final Supplier<ClusterImage> image;

    /** @param image the newest applied metadata; {@link ClusterImage#EMPTY} before the node has any */
    public ImageTopicView(Supplier<ClusterImage> image) {
        this.image = image;
    }

    @Override
    public Topic byName(String name) {
        return view(image.get().topic(name));
    }

    @Override
    public Topic byId(Uuid id) {
        return view(image.get().topic(id));
    }

    @Override
    public Collection<Topic> all() {
        return image.get().topicsById().values().stream().map(ImageTopicView::view).toList();
    }

    private static Topic view(TopicImage topic) {
        return topic == null ? null : new Topic(topic.name(), topic.id(), topic.partitions().size());
    }
}
