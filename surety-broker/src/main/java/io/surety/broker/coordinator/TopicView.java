package io.surety.broker.coordinator;

import java.util.Collection;
import org.apache.kafka.common.Uuid;

/**
 * The topics the coordinator may see: offsets are only committed for existing partitions, and
 * server-side assignors divide partitions by topic id. Implemented by the broker's wiring over its
 * topic registry; must be safe to call from the coordinator thread.
 */
public interface TopicView {

    /** A topic as the coordinator needs it. */
    record Topic(String name, Uuid id, int partitionCount) {
    }

    /** The topic, or null. */
    Topic byName(String name);

    /** The topic, or null. */
    Topic byId(Uuid id);

    Collection<Topic> all();
}
