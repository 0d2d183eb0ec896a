package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.metadata.ClusterIdentity;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.IsrEligibility;
import io.surety.broker.partition.IsrSettings;
import io.surety.broker.partition.LeaderAndIsr;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.requests.AbstractRequest;
import org.apache.kafka.common.requests.RequestHeader;

/**
 * The real, small collaborators the topic and data handlers work with, on a temporary data
 * directory: topic and partition registries, topic operations, a flusher under
 * {@code flush.policy=interval} (appends are visible at once and "durable" futures complete at
 * once, so no flusher thread runs), the watchers a waiting fetch registers with, and this node
 * (node 1 of cluster {@value #CLUSTER_ID}, advertised on {@value #HOST}:{@value #BOUND_PORT}).
 * Time is a fixed clock. Not thread-safe; one per test.
 */
final class HandlerFixture implements AutoCloseable {

    static final String CLUSTER_ID = "handler-test-cluster";
    static final int NODE_ID = 1;
    static final String HOST = "broker.test";
    static final int BOUND_PORT = 19092;
    static final long T0 = 1_700_000_000_000L;

    final Clock clock = Clock.fixed(Instant.ofEpochMilli(T0), ZoneOffset.UTC);
    final BrokerConfig config;
    final BrokerMetrics metrics = BrokerMetrics.create();
    final PartitionWatchers watchers = new PartitionWatchers();
    final TopicRegistry topics;
    final PartitionRegistry partitions;
    final TopicOperations topicOperations;
    final GroupCommitFlusher flusher;
    final BrokerNode localNode;

    HandlerFixture(Path dataDir, Map<String, String> settings) throws IOException {
        Map<String, String> all = new HashMap<>(Map.of(BrokerConfig.LOG_DIRS, dataDir.toString(),
                BrokerConfig.LISTENERS, "PLAINTEXT://" + HOST + ":0", BrokerConfig.NODE_ID, String.valueOf(NODE_ID),
                BrokerConfig.FLUSH_POLICY, "interval"));
        all.putAll(settings);
        config = BrokerConfig.of(all);
        topics = TopicRegistry.load(dataDir, config, FsyncLedger.NONE);
        partitions = new PartitionRegistry(dataDir, LogEnvironment.of(FsyncLedger.NONE, (close, delayMs) -> close.run(),
                false), clock, watchers::wake);
        topicOperations = new TopicOperations(config, topics, partitions, metrics.topics());
        flusher = new GroupCommitFlusher(config.storage().flushPolicy(), clock, () -> List.copyOf(partitions.all()),
                metrics.fsync());
        localNode = new BrokerNode(new ClusterIdentity(CLUSTER_ID, NODE_ID), config.network(), () -> BOUND_PORT);
    }

    HandlerFixture(Path dataDir) throws IOException {
        this(dataDir, Map.of());
    }

    TopicInfo createTopic(String name, int partitionCount) throws IOException {
        return topicOperations.createNew(name, partitionCount, TopicConfig.of(config, Map.of()));
    }

    /** A topic with a given id, as every replica of a cluster holds it. */
    TopicInfo createTopic(String name, Uuid id, int partitionCount) throws IOException {
        TopicConfig topicConfig = TopicConfig.of(config, Map.of());
        TopicInfo topic = new TopicInfo(name, id, partitionCount, topicConfig);
        topics.put(topic, () -> {
            for (int p = 0; p < partitionCount; p++) {
                partitions.open(new TopicPartition(name, p), id, topicConfig, false);
            }
        });
        return topic;
    }

    /**
     * Makes this node ({@value #NODE_ID}) lead {@code partition} in {@code leaderEpoch} with
     * {@code replicas} and {@code isr}, as the cluster metadata would; {@code min.insync.replicas}
     * is {@code minIsr}, followers fall out of the ISR after 10 s without catching up.
     */
    static void lead(Partition partition, int leaderEpoch, List<Integer> replicas, List<Integer> isr, int minIsr) {
        if (!partition.replication().becomeLeader(new LeaderAndIsr(NODE_ID, leaderEpoch, leaderEpoch, replicas, isr),
                new IsrSettings(minIsr, 10_000), IsrEligibility.ANY, 0)) {
            throw new AssertionError("Could not lead " + partition.topicPartition() + " in epoch " + leaderEpoch);
        }
    }

    Partition partition(String topic, int index) {
        return partitions.get(new TopicPartition(topic, index));
    }

    /** {@code body} as the network layer hands it to a handler, from a client of the PLAINTEXT listener. */
    static ApiRequest request(AbstractRequest body) {
        return request(body, "PLAINTEXT");
    }

    /** {@code body} as the network layer hands it to a handler, from a client of listener {@code listenerName}. */
    static ApiRequest request(AbstractRequest body, String listenerName) {
        return new ApiRequest(new RequestHeader(body.apiKey(), body.version(), "handler-test", 42), body,
                "/127.0.0.1:50000", listenerName);
    }

    @Override
    public void close() {
        partitions.closeAll();
    }
}
