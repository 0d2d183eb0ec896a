package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.DeletedTopic;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.TopicMetrics;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.InvalidPartitionsException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.PolicyViolationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.internals.Topic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates, grows, reconfigures and deletes topics: the topic definition and its partitions change
 * together. Operations are serialised (synchronized); each is durable before it returns, with the
 * topic file as the commit point: partitions are created after it is written (a start creates any
 * a crash left missing) and removed after the deletion is recorded (a start finishes recorded
 * deletions), so no partition directory is ever left that no topic or record accounts for.
 * Changes to an existing topic re-read its current definition under the lock, so a caller's stale
 * snapshot cannot undo a concurrent change.
 */
public final class TopicOperations {

    private static final Logger LOG = LoggerFactory.getLogger(TopicOperations.class);

    /** Like Kafka's controller, which refuses to write more than 10,000 records for one operation. */
    static final int MAX_NEW_PARTITIONS_PER_OPERATION = 10_000;

    private final BrokerConfig config;
    private final TopicRegistry topics;
    private final PartitionRegistry partitions;
    private final TopicMetrics metrics;

    public TopicOperations(BrokerConfig config, TopicRegistry topics, PartitionRegistry partitions,
            TopicMetrics metrics) {
        this.config = config;
        this.topics = topics;
        this.partitions = partitions;
        this.metrics = metrics;
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
        return existing != null ? existing : createAbsent(name, partitionCount, topicConfig);
    }

    /**
     * Creates a topic that must not exist yet (CreateTopics); the caller has validated name, count
     * and configs. Throws {@link TopicExistsException} if the name is taken, even by a racer.
     */
    public synchronized TopicInfo createNew(String name, int partitionCount, TopicConfig topicConfig) throws IOException {
        if (topics.get(name) != null) {
            throw new TopicExistsException("Topic '" + name + "' already exists.");
        }
        return createAbsent(name, partitionCount, topicConfig);
    }

    private TopicInfo createAbsent(String name, int partitionCount, TopicConfig topicConfig) throws IOException {
        TopicInfo topic = new TopicInfo(name, Uuid.randomUuid(), partitionCount, topicConfig);
        topics.put(topic, () -> {
            for (int p = 0; p < partitionCount; p++) {
                partitions.open(new TopicPartition(name, p), topic.id(), topicConfig, false);
            }
        });
        LOG.info("Created topic {} (id {}) with {} partitions{}", name, topic.id(), partitionCount,
                topicConfig.overrides().isEmpty() ? "" : " and configs " + topicConfig.overrides());
        return topic;
    }

    /** Creates a topic with the broker's defaults, for auto-creation. */
    public TopicInfo createWithDefaults(String name) throws IOException {
        return create(name, config.topics().numPartitions(), TopicConfig.of(config, Map.of()));
    }

    /**
     * Deletes the topic {@code topic} names, as it is now (partitions added since it was read go
     * too). Throws {@link UnknownTopicOrPartitionException} if it is gone or was re-created.
     */
    public synchronized void delete(TopicInfo topic) throws IOException {
        TopicInfo current = current(topic);
        topics.remove(current);
        DeletedTopic deleted = new DeletedTopic(current.name(), current.id(), current.partitionCount());
        partitions.deleteTopic(current.name(), current.id(), current.partitionCount(),
                current.config().fileDeleteDelayMs(), () -> forgetDeleted(deleted));
        metrics.remove(current.name());
        LOG.info("Deleted topic {} (id {})", current.name(), current.id());
    }

    private void forgetDeleted(DeletedTopic deleted) {
        try {
            topics.forgetDeleted(deleted);
        } catch (IOException e) {
            LOG.warn("Could not close the deletion record of topic {}; the next start does", deleted.name(), e);
        }
    }

    /**
     * Finishes the deletions a stop or crash interrupted, before any partition opens: only those
     * recorded (a topic's definition renamed to its deletion record); a directory that merely looks
     * like a partition of no topic is never deleted.
     */
    public static void finishRecordedDeletes(TopicRegistry topics, PartitionRegistry partitions) throws IOException {
        for (DeletedTopic deleted : topics.pendingDeletes()) {
            partitions.finishDelete(deleted.name(), deleted.id(), deleted.partitionCount(),
                    topics.get(deleted.name()) != null);
            topics.forgetDeleted(deleted);
        }
    }

    /**
     * Grows the topic to {@code newCount} partitions. Throws {@link UnknownTopicOrPartitionException}
     * if it is gone, and {@link InvalidPartitionsException} if it already has that many.
     */
    public synchronized TopicInfo addPartitions(TopicInfo topic, int newCount) throws IOException {
        TopicInfo current = current(topic);
        checkPartitionIncrease(current, newCount);
        TopicInfo grown = current.withPartitionCount(newCount);
        topics.put(grown, () -> {
            for (int p = current.partitionCount(); p < newCount; p++) {
                partitions.open(new TopicPartition(current.name(), p), current.id(), current.config(), false);
            }
        });
        LOG.info("Topic {} now has {} partitions (was {})", current.name(), newCount, current.partitionCount());
        return grown;
    }

    /**
     * Refuses an operation creating more partitions than {@link #MAX_NEW_PARTITIONS_PER_OPERATION}
     * (each is a directory and open files), with Kafka's POLICY_VIOLATION for an oversized operation.
     */
    static void checkOperationSize(long newPartitions) {
        if (newPartitions > MAX_NEW_PARTITIONS_PER_OPERATION) {
            throw new PolicyViolationException("Unable to perform excessively large batch operation.");
        }
    }

    /** Throws {@link InvalidPartitionsException} with Kafka's message unless {@code newCount} grows {@code topic}. */
    public static void checkPartitionIncrease(TopicInfo topic, int newCount) {
        if (newCount == topic.partitionCount()) {
            throw new InvalidPartitionsException("Topic already has " + topic.partitionCount() + " partition(s).");
        }
        if (newCount < topic.partitionCount()) {
            throw new InvalidPartitionsException("Topic currently has " + topic.partitionCount()
                    + " partitions, which is higher than the requested " + newCount + ".");
        }
    }

    /**
     * Replaces the topic's overrides with {@code change} applied to its current ones, validated
     * against the broker's defaults. Reading and writing happen under one lock, so concurrent
     * changes are not lost. Throws {@link UnknownTopicOrPartitionException} if the topic is gone,
     * and {@link org.apache.kafka.common.config.ConfigException} naming a bad key.
     */
    public synchronized TopicInfo alterConfig(TopicInfo topic, UnaryOperator<Map<String, String>> change) throws IOException {
        TopicInfo current = current(topic);
        TopicConfig newConfig = TopicConfig.of(config, change.apply(new LinkedHashMap<>(current.config().overrides())));
        TopicInfo changed = current.withConfig(newConfig);
        topics.put(changed);
        for (int p = 0; p < current.partitionCount(); p++) {
            Partition partition = partitions.get(new TopicPartition(current.name(), p));
            if (partition != null) {
                partition.updateConfig(newConfig);
            }
        }
        LOG.info("Topic {} configs now {}", current.name(), newConfig.overrides());
        return changed;
    }

    /** The registered definition of the same topic (same name and id) as {@code topic}. */
    private TopicInfo current(TopicInfo topic) {
        TopicInfo current = topics.get(topic.name());
        if (current == null || !current.id().equals(topic.id())) {
            throw new UnknownTopicOrPartitionException("The topic '" + topic.name() + "' does not exist.");
        }
        return current;
    }

    public BrokerConfig brokerConfig() {
        return config;
    }
}
