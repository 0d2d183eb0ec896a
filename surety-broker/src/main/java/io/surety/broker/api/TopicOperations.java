package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, grows, reconfigures and deletes topics: the topic definition and its partitions change
 * together. Operations are serialised (synchronized); each is durable before it returns, with the
 * topic file as the commit point (partitions are created before it is written and removed after
 * it is deleted, and strays are cleaned at start).
 */
public final class TopicOperations {

    private static final Logger LOG = LoggerFactory.getLogger(TopicOperations.class);

    private final BrokerConfig config;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;

    public TopicOperations(BrokerConfig config, TopicRegistry topics, PartitionRegistry partitions) {
        this.config = config;
        this.topics = topics;
        this.partitions = partitions;
    }

    /** Throws {@link InvalidTopicException} with Kafka's message if {@code name} is not a legal topic name. */
    public static void validateName(String name) {
        Topic.validate(name);
        if (Topic.isInternal(name)) {
            throw new InvalidTopicException("Topic " + name + " is internal to the broker");
        }
    }

    /** Creates a topic; the caller has validated name, count and configs. Returns the existing topic if a racer won. */
    public synchronized TopicInfo create(String name, int partitionCount, TopicConfig topicConfig) throws IOException {
        TopicInfo existing = topics.get(name);
        if (existing != null) {
            return existing;
        }
        TopicInfo topic = new TopicInfo(name, Uuid.randomUuid(), partitionCount, topicConfig);
        for (int p = 0; p < partitionCount; p++) {
            partitions.open(new TopicPartition(name, p), topic.id(), topicConfig, false);
        }
        topics.put(topic);
        LOG.info("Created topic {} (id {}) with {} partitions{}", name, topic.id(), partitionCount,
                topicConfig.overrides().isEmpty() ? "" : " and configs " + topicConfig.overrides());
        return topic;
    }

    /** Creates a topic with the broker's defaults, for auto-creation. */
    public TopicInfo createWithDefaults(String name) throws IOException {
        return create(name, config.numPartitions(), TopicConfig.of(config, Map.of()));
    }

    public synchronized void delete(TopicInfo topic) throws IOException {
        topics.remove(topic);
        for (int p = 0; p < topic.partitionCount(); p++) {
            partitions.delete(new TopicPartition(topic.name(), p), topic.config().fileDeleteDelayMs());
        }
        LOG.info("Deleted topic {} (id {})", topic.name(), topic.id());
    }

    public synchronized TopicInfo addPartitions(TopicInfo topic, int newCount) throws IOException {
        for (int p = topic.partitionCount(); p < newCount; p++) {
            partitions.open(new TopicPartition(topic.name(), p), topic.id(), topic.config(), false);
        }
        TopicInfo grown = topic.withPartitionCount(newCount);
        topics.put(grown);
        LOG.info("Topic {} now has {} partitions (was {})", topic.name(), newCount, topic.partitionCount());
        return grown;
    }

    public synchronized TopicInfo alterConfig(TopicInfo topic, TopicConfig newConfig) throws IOException {
        TopicInfo changed = topic.withConfig(newConfig);
        topics.put(changed);
        for (int p = 0; p < topic.partitionCount(); p++) {
            Partition partition = partitions.get(new TopicPartition(topic.name(), p));
            if (partition != null) {
                partition.updateConfig(newConfig);
            }
        }
        LOG.info("Topic {} configs now {}", topic.name(), newConfig.overrides());
        return changed;
    }

    public BrokerConfig brokerConfig() {
        return config;
    }
}
