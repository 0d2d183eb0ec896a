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
import io.surety.broker.security.ClientQuotas;
import io.surety.broker.security.ScramUsers;
import io.surety.broker.security.SecurityStore;
import io.surety.broker.security.AccessControl;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;

/**
 * Everything the api layer is built from, wired once by the broker. Only {@link ApiDispatcher}
 * reads it: it gives each handler, as constructor parameters, just the services that handler
 * uses. Immutable holder; each service states its own thread-safety. {@code cluster} is present in
 * cluster mode only: the handlers that describe or change the cluster then answer from the
 * committed metadata and the controller instead of this node's registries, and
 * {@code coordinatorVerification} reaches the transaction coordinator when it runs on another node.
 * {@code scramUsers} manages the SCRAM users the SASL listeners authenticate against.
 * {@code accessControl} is present when {@code authorizer.class.name} is set: requests are then
 * checked against its ACLs ({@link AccessRules}), and the ACL APIs change them.
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
        BrokerMetrics metrics,
        Optional<ClusterView> cluster,
        ReplicaServing replicaServing,
        CoordinatorVerification coordinatorVerification,
        ScramUsers scramUsers,
        Optional<AccessControl> accessControl,
        ClientQuotas clientQuotas,
        SecurityStore securityStore) {

    /** The services of a node without client quotas (and, on a cluster node, without a store of its own). */
    public BrokerServices(BrokerConfig config, ClusterIdentity identity, TopicRegistry topics, PartitionRegistry partitions,
            TopicOperations topicOperations, GroupCommitFlusher flusher, PartitionWatchers watchers,
            ProducerIdAllocator producerIds, GroupCoordinator groups, TransactionCoordinator transactions, Clock clock,
            ScheduledExecutorService timer, Executor handlerPool, IntSupplier boundPort, BrokerMetrics metrics,
            Optional<ClusterView> cluster, ReplicaServing replicaServing, CoordinatorVerification coordinatorVerification,
            ScramUsers scramUsers, Optional<AccessControl> accessControl) {
        this(config, identity, topics, partitions, topicOperations, flusher, watchers, producerIds, groups, transactions,
                clock, timer, handlerPool, boundPort, metrics, cluster, replicaServing, coordinatorVerification,
                scramUsers, accessControl, new ClientQuotas(), null);
    }

    /** The services of a node without an authorizer. */
    public BrokerServices(BrokerConfig config, ClusterIdentity identity, TopicRegistry topics, PartitionRegistry partitions,
            TopicOperations topicOperations, GroupCommitFlusher flusher, PartitionWatchers watchers,
            ProducerIdAllocator producerIds, GroupCoordinator groups, TransactionCoordinator transactions, Clock clock,
            ScheduledExecutorService timer, Executor handlerPool, IntSupplier boundPort, BrokerMetrics metrics,
            Optional<ClusterView> cluster, ReplicaServing replicaServing, CoordinatorVerification coordinatorVerification,
            ScramUsers scramUsers) {
        this(config, identity, topics, partitions, topicOperations, flusher, watchers, producerIds, groups, transactions,
                clock, timer, handlerPool, boundPort, metrics, cluster, replicaServing, coordinatorVerification,
                scramUsers, Optional.empty());
    }

    /** The services of a single node: no follower fetches from it and nothing is proposed. */
    public BrokerServices(BrokerConfig config, ClusterIdentity identity, TopicRegistry topics, PartitionRegistry partitions,
            TopicOperations topicOperations, GroupCommitFlusher flusher, PartitionWatchers watchers,
            ProducerIdAllocator producerIds, GroupCoordinator groups, TransactionCoordinator transactions, Clock clock,
            ScheduledExecutorService timer, Executor handlerPool, IntSupplier boundPort, BrokerMetrics metrics,
            ScramUsers scramUsers) {
        this(config, identity, topics, partitions, topicOperations, flusher, watchers, producerIds, groups, transactions,
                clock, timer, handlerPool, boundPort, metrics, Optional.empty(), ReplicaServing.singleNode(),
                CoordinatorVerification.UNREACHABLE, scramUsers, Optional.empty());
    }
}
