package io.surety.broker.config;

/**
 * The broker's topic-management settings: how auto-created topics and CreateTopics without a
 * count are shaped, and whether topics may be created by Metadata or deleted. Not a topic's own
 * settings, which are {@link TopicConfig}. Immutable.
 *
 * @param numPartitions {@code num.partitions}: partitions of a topic created without a count
 * @param defaultReplicationFactor {@code default.replication.factor}: always 1 on one node
 * @param autoCreateTopicsEnable {@code auto.create.topics.enable}: Metadata creates the topics it names
 * @param deleteTopicEnable {@code delete.topic.enable}: DeleteTopics is allowed
 */
public record TopicsConfig(
        int numPartitions,
        short defaultReplicationFactor,
        boolean autoCreateTopicsEnable,
        boolean deleteTopicEnable) {

    static TopicsConfig from(ParsedSettings values) {
        return new TopicsConfig(values.intValue(BrokerConfig.NUM_PARTITIONS),
                values.shortValue(BrokerConfig.DEFAULT_REPLICATION_FACTOR),
                values.booleanValue(BrokerConfig.AUTO_CREATE_TOPICS_ENABLE),
                values.booleanValue(BrokerConfig.DELETE_TOPIC_ENABLE));
    }
}
