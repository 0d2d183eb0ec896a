package io.surety.broker.node;

import io.surety.broker.api.ClusterView;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ControllerConfig;
import io.surety.broker.cluster.TopicConfigCheck;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.ListenerEndpoint;
import io.surety.broker.config.ReplicationConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.metadata.ClusterIdentity;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.metrics.ClusterMetrics;
import io.surety.broker.partition.IsrChangeSink;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.producer.ProducerIdAllocator;
import io.surety.broker.producer.ProducerIdsUnavailableException;
import io.surety.broker.quorum.QuorumGroup;
import io.surety.broker.quorum.QuorumPeer;
import io.surety.broker.quorum.QuorumSettings;
import io.surety.broker.quorum.RatisQuorum;
import io.surety.broker.replication.FollowerFlush;
import io.surety.broker.replication.PeerRequests;
import io.surety.broker.security.SecurityStates;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AllocateProducerIdsResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's part of the cluster: its member of the metadata quorum (on the CONTROLLER listener),
 * the controller it runs while it leads that quorum, and its life as a broker in the controller's
 * eyes (registration, heartbeats, controlled shutdown). Started by the broker in cluster mode only.
 *
 * <p>Threading: the quorum's own threads; one metadata-publisher thread for image listeners; one
 * lifecycle thread; the controller's decision thread while it leads. The {@link ClusterView} methods
 * from any thread.
 */
public final class ClusterNode implements ClusterView, AutoCloseable {

    /** The storage of both quorum groups (metadata and coordinator), one directory each below it, under the data directory. */
    public static final String QUORUM_DIRECTORY = "__metadata-raft";
    static final String GROUP = "metadata";
    private static final long PRODUCER_ID_BLOCK_TIMEOUT_MS = 5_000;
    private static final Logger LOG = LoggerFactory.getLogger(ClusterNode.class);

    private final BrokerConfig config;
    private final ClusterIdentity identity;
    private final int nodeId;
    /** This process's incarnation of the broker: what it registers with, new at every start. */
    private final Uuid incarnationId = Uuid.randomUuid();
    private final ExecutorService publisher;
    private final ScheduledExecutorService lifecycleThread;
    private final MetadataStateMachine metadata;
    private final ActiveController controller;
    private volatile RatisQuorum quorum;
    private volatile BrokerLifecycle lifecycle;
    /** The newest image whose replica roles this node has applied (set on the publisher thread). */
    private volatile ClusterImage rolesApplied = ClusterImage.EMPTY;
    private IsrChanges isrChanges;
    private ReplicaFetchers fetchers;
    private final PartitionRegistry partitions;
    private final CoordinatorGroupMember coordinatorGroup;

    private ClusterNode(BrokerConfig config, ClusterIdentity identity, ExecutorService publisher,
                        ScheduledExecutorService lifecycleThread, MetadataStateMachine metadata,
                        ActiveController controller, PartitionRegistry partitions,
                        CoordinatorGroupMember coordinatorGroup) {
        this.config = config;
        this.coordinatorGroup = coordinatorGroup;
        this.partitions = partitions;
        this.identity = identity;
        this.nodeId = identity.nodeId();
        this.publisher = publisher;
        this.lifecycleThread = lifecycleThread;
        this.metadata = metadata;
        this.controller = controller;
    }

    /**
     * Joins the quorum and runs the controller while this node leads it. Returns without waiting for
     * a leader: the node serves what it can while the quorum forms. The node registers as a broker
     * only once {@link #register} is called, when its listeners are bound.
     *
     * @param topics the topics the request handlers see; replicas assigned here are recorded in it
     * @param partitions where this node's replicas are opened and given their roles
     * @param peers how this node's followers reach their leaders
     * @param flush makes a followed log durable (under {@code flush.policy=fsync} a follower reports
     *     only what is on disk)
     * @param metrics where the node's replication and controller series are added ({@link ClusterMetrics})
     * @param security what the committed users (and ACLs) are replayed into, image by image
     */
    public static ClusterNode start(BrokerConfig config, ClusterIdentity identity, Path dataDir, TopicRegistry topics,
                                    PartitionRegistry partitions, PeerRequests peers, FollowerFlush flush,
                                    BrokerMetrics metrics, CoordinatorGroupMember coordinatorGroup,
                                    SecurityStates security)
            throws IOException {
        int nodeId = identity.nodeId();
        ExecutorService publisher = Executors.newSingleThreadExecutor(daemon("surety-metadata-publisher-" + nodeId));
        ScheduledExecutorService lifecycleThread =
                Executors.newSingleThreadScheduledExecutor(daemon("surety-broker-lifecycle-" + nodeId));
        MetadataStateMachine metadata = new MetadataStateMachine(publisher);
        ReplicationConfig replication = config.replication();
        ControllerConfig controllerConfig = new ControllerConfig(replication.brokerSessionTimeoutMs(),
                replication.uncleanLeaderElectionEnable(), config.topics().numPartitions(),
                config.topics().defaultReplicationFactor());
        TopicConfigCheck topicConfigCheck = overrides -> TopicConfig.of(config, overrides);
        ActiveController controller = new ActiveController(nodeId, identity.clusterId(), controllerConfig,
                topicConfigCheck, metadata, System::nanoTime,
                config.cluster().listeners().controllerNames().stream().findFirst().orElse("CONTROLLER"));
        ClusterNode node = new ClusterNode(config, identity, publisher, lifecycleThread, metadata, controller,
                partitions, coordinatorGroup);
        ClusterMetrics clusterMetrics = metrics.clusterGauges(() -> ReplicationGauges.ledPartitions(partitions),
                () -> ReplicationGauges.controller(controller.isActive(), metadata.image()));
        controller.onElectionsCommitted(count -> clusterMetrics.electionsCommitted(count.elections(), count.unclean()));
        node.fetchers = new ReplicaFetchers(nodeId, config.cluster().listeners().interBrokerName(), node::brokerEpoch,
                metadata::image, partitions, peers, config.replication(), config.storage().flushPolicy(), flush);
        node.isrChanges = new IsrChanges(nodeId, node::brokerEpoch, partitions, request -> node.quorum.request(request),
                ClusterNode::monotonicMs, clusterMetrics);
        metadata.addListener(new ReplicaRoles(nodeId, node.incarnationId, identity.formattedAsReplacement(), config,
                topics, partitions, node.fetchers,
                ClusterNode::monotonicMs));
        // After the roles: listeners run in order, so this image's roles are applied when it is recorded.
        metadata.addListener((previous, current) -> node.rolesApplied = current);
        metadata.addListener(new SecurityPublisher(security));
        try {
            List<QuorumPeer> voters = config.cluster().voters().stream()
                    .map(v -> new QuorumPeer(v.nodeId(), v.host(), v.port())).toList();
            QuorumSettings settings = new QuorumSettings(identity.clusterId(), quorumSelf(config, voters), voters,
                    dataDir.resolve(QUORUM_DIRECTORY), Duration.ofMillis(replication.quorumElectionTimeoutMs()),
                    QuorumSettings.DEFAULT_SNAPSHOT_EVERY_ENTRIES);
            List<RatisQuorum> groups = RatisQuorum.startAll(settings, List.of(
                    new QuorumGroup(GROUP, metadata, controller, controller), coordinatorGroup.group()));
            node.quorum = groups.get(0);
            coordinatorGroup.attach(groups.get(1));
            controller.attach(node.quorum);
            LOG.info("Node {} {} the metadata and coordinator quorums {} on {}", nodeId,
                    settings.isVoter() ? "is a voter of" : "follows, without a vote,", voters,
                    config.cluster().controllerListener().map(ListenerEndpoint::toString).orElse("?"));
            return node;
        } catch (IOException | RuntimeException e) {
            node.close();
            throw e;
        }
    }

    /**
     * This node's quorum peer: its entry in {@code controller.quorum.voters} when it is a voter;
     * otherwise (a broker-only node) its advertised controller listener, where the quorum's leader
     * sends it the metadata.
     */
    private static QuorumPeer quorumSelf(BrokerConfig config, List<QuorumPeer> voters) {
        int nodeId = config.cluster().nodeId();
        return voters.stream().filter(voter -> voter.nodeId() == nodeId).findFirst().orElseGet(() -> {
            ListenerEndpoint controller = config.cluster().advertisedControllerListener().orElseThrow();
            return new QuorumPeer(nodeId, controller.host(), controller.port());
        });
    }

    /**
     * Starts this node's life as a broker: registers with the controller, then heartbeats. Called
     * once, after the broker listeners are bound.
     *
     * @param listeners every broker listener at its advertised address (a port 0 resolved to the
     *     bound one): where clients and the other brokers reach this one, each on its listener
     */
    public synchronized void register(List<ListenerEndpoint> listeners) throws IOException {
        if (lifecycle != null) {
            throw new IllegalStateException("Node " + nodeId + " registers once");
        }
        lifecycle = new BrokerLifecycle(nodeId, identity.clusterId(), incarnationId,
                identity.directoryId().orElseThrow(() -> new IOException("meta.properties has no directory.id")),
                identity.formattedAsReplacement(),
                registeredListeners(listeners, config), config.replication().brokerHeartbeatIntervalMs(),
                config.replication().brokerSessionTimeoutMs(), metadata,
                request -> quorum.livenessRequest(request,
                        BrokerLifecycle.requestTimeoutMs(config.replication().brokerSessionTimeoutMs())),
                lifecycleThread);
        lifecycle.start();
        long isrCheckMs = Math.max(1, config.replication().replicaLagTimeMaxMs() / 2);
        lifecycleThread.scheduleWithFixedDelay(isrChanges::checkLaggingFollowers, isrCheckMs, isrCheckMs,
                TimeUnit.MILLISECONDS);
    }

    /**
     * The one clock of the replication state on this node: follower progress, ISR lag and acks=all
     * deadlines are compared across the fetch path, the metadata path and the ISR check, so they
     * must all read the same monotonic milliseconds (never the wall clock, which can jump).
     */
    public static long monotonicMs() {
        return System.nanoTime() / 1_000_000;
    }

    /** The newest committed metadata this node has applied. */
    @Override
    public ClusterImage image() {
        return metadata.image();
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    /** The quorum leader this member knows of: the node that runs the controller. */
    @Override
    public OptionalInt activeControllerId() {
        RatisQuorum started = quorum;
        return started == null ? OptionalInt.empty() : started.leaderId();
    }

    /** The node leading the coordinator quorum group, where groups and transactions are coordinated. */
    @Override
    public OptionalInt coordinatorId() {
        return coordinatorGroup.leaderId();
    }

    /** See {@link ClusterView#sendToController}; the failures are mapped by {@link ControllerFailures}. */
    @Override
    public CompletableFuture<ApiMessage> sendToController(ApiKeys api, ApiMessage request) {
        return quorum.request(ControllerMessages.request(api, request))
                .<ApiMessage>thenApply(bytes -> ControllerMessages.readAnswer(api, bytes))
                .exceptionallyCompose(failure -> CompletableFuture.failedFuture(ControllerFailures.toKafka(failure)));
    }

    /**
     * Reserves a block of producer ids for this broker from the controller (AllocateProducerIds), so
     * no two brokers of the cluster give out the same id.
     *
     * @throws ProducerIdsUnavailableException while this broker is unregistered or the controller does
     *     not answer in time
     */
    public ProducerIdAllocator.Block reserveProducerIds() throws ProducerIdsUnavailableException {
        long epoch = brokerEpoch();
        if (epoch < 0) {
            throw new ProducerIdsUnavailableException("Node " + nodeId + " has not joined the cluster yet", null);
        }
        AllocateProducerIdsRequestData request = new AllocateProducerIdsRequestData().setBrokerId(nodeId)
                .setBrokerEpoch(epoch);
        try {
            byte[] bytes = quorum.request(ControllerMessages.request(ApiKeys.ALLOCATE_PRODUCER_IDS, request))
                    .get(PRODUCER_ID_BLOCK_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            AllocateProducerIdsResponseData answer = ControllerMessages.readAnswer(ApiKeys.ALLOCATE_PRODUCER_IDS, bytes);
            Errors error = Errors.forCode(answer.errorCode());
            if (error != Errors.NONE) {
                throw new ProducerIdsUnavailableException("The controller refused a producer id block: " + error, null);
            }
            return new ProducerIdAllocator.Block(answer.producerIdStart(), answer.producerIdLen());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProducerIdsUnavailableException("Interrupted while reserving producer ids", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ProducerIdsUnavailableException("The controller did not hand out producer ids: " + e, e);
        }
    }

    /** Sends an encoded request ({@link ControllerMessages}) to the active controller. */
    CompletableFuture<byte[]> controllerRequest(byte[] request) {
        return quorum.request(request);
    }

    /** This node's replica of {@code tp}; null when it hosts none. */
    Partition localReplica(TopicPartition tp) {
        return partitions.get(tp);
    }

    /** Where this node's leaders send their ISR proposals: AlterPartition to the controller. */
    public IsrChangeSink isrChangeSink() {
        return (partition, proposal) -> isrChanges.submit(partition.topicPartition(), proposal);
    }

    /** Whether this node is the active controller. */
    public boolean isController() {
        return controller.isActive();
    }

    /** The epoch the controller gave this broker's incarnation; -1 while unregistered. */
    public long brokerEpoch() {
        return lifecycle == null ? -1 : lifecycle.brokerEpoch();
    }

    /**
     * Whether this node has joined the cluster: registered and unfenced by the controller, after
     * applying the metadata up to its registration (so its replicas have their roles).
     */
    public boolean isMember() {
        return notJoinedBecause().isEmpty();
    }

    /** What this node still lacks to be joined ({@link ClusterReadiness}), one line each; empty once joined. */
    public List<String> notJoinedBecause() {
        BrokerLifecycle started = lifecycle;
        return ClusterReadiness.missing(nodeId, started == null ? -1 : started.brokerEpoch(),
                started == null || started.isFenced(), rolesApplied);
    }

    /** Whether the controller has this broker fenced (true until its first answered heartbeat). */
    public boolean isFenced() {
        return lifecycle == null || lifecycle.isFenced();
    }

    /**
     * Controlled shutdown: asks the controller to move this broker's leaderships away and waits up to
     * {@code timeoutMs} for it.
     *
     * @return whether the controller confirmed in time
     */
    public boolean leave(long timeoutMs) throws InterruptedException {
        return lifecycle != null && lifecycle.leave(timeoutMs);
    }

    @Override
    public void close() {
        lifecycleThread.shutdownNow();
        if (fetchers != null) {
            // On the publisher thread, which owns the fetchers' maps; waits for it below.
            publisher.execute(fetchers::close);
        }
        controller.close();
        try {
            coordinatorGroup.close();
        } catch (IOException e) {
            LOG.warn("Node {}: the coordinator quorum member did not close cleanly: {}", nodeId, e.toString());
        }
        if (quorum != null) {
            try {
                quorum.close();
            } catch (IOException e) {
                LOG.warn("Node {}: the quorum member did not close cleanly: {}", nodeId, e.toString());
            }
        }
        publisher.shutdown();
        try {
            publisher.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The registration's form of {@code listeners}, each with its security protocol. */
    private static List<BrokerRegistrationRequestData.Listener> registeredListeners(List<ListenerEndpoint> listeners,
            BrokerConfig config) {
        List<BrokerRegistrationRequestData.Listener> out = new ArrayList<>();
        for (ListenerEndpoint endpoint : listeners) {
            SecurityProtocol protocol = SecurityProtocol.forName(config.cluster().listeners().securityProtocol(endpoint.name()));
            out.add(new BrokerRegistrationRequestData.Listener().setName(endpoint.name()).setHost(endpoint.host())
                    .setPort(endpoint.port()).setSecurityProtocol(protocol.id));
        }
        return out;
    }

    private static ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }
}
