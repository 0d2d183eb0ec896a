package io.surety.broker.metadata;

import io.surety.broker.config.TopicConfig;
import org.apache.kafka.common.Uuid;

/** A topic's definition: name, stable id, partition count and configuration. Immutable. */
public record TopicInfo(String name, Uuid id, int partitionCount, TopicConfig config) {

    public TopicInfo withPartitionCount(int count) {
        return new TopicInfo(name, id, count, config);
    }

    public TopicInfo withConfig(TopicConfig newConfig) {
        return new TopicInfo(name, id, partitionCount, newConfig);
    }
}
