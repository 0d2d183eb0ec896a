package io.surety.broker.api;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.coordinator.GroupCoordinator;
import io.surety.broker.coordinator.TransactionCoordinator;
import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.metadata.ClusterIdentity;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.producer.ProducerIdAllocator;
import java.time.Clock;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;

/**
 * What request handlers work with, wired once by the broker. Immutable holder; each service
 * states its own thread-safety.
 */
public record BrokerServices(
        BrokerConfig config,
        ClusterIdentity identity,
        TopicRegistry topics,
        PartitionRegistry partitions,
        TopicOperations topicOperations,
        GroupCommitFlusher flusher,
        PartitionWatchers watchers,
        ProducerIdAllocator producerIds,
        GroupCoordinator groups,
        TransactionCoordinator transactions,
        Clock clock,
        ScheduledExecutorService timer,
        Executor handlerPool,
        IntSupplier boundPort,
        BrokerMetrics metrics) {
}
