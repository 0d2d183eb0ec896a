package io.surety.broker;

import io.surety.broker.api.ApiDispatcher;
import io.surety.broker.api.BrokerServices;
import io.surety.broker.api.CoordinatorVerification;
import io.surety.broker.api.LeaderMarkerAppender;
import io.surety.broker.api.PartitionMarkerWriter;
import io.surety.broker.api.ReplicaServing;
import io.surety.broker.api.TopicOperations;
import io.surety.broker.cleaner.LogCleaner;
import io.surety.broker.cleaner.PartitionCompactionTarget;
import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.config.ListenerEndpoint;
import io.surety.broker.config.NetworkConfig;
import io.surety.broker.config.SaslConfig;
import io.surety.broker.coordinator.CommittedCoordinatorState;
import io.surety.broker.coordinator.GroupCoordinator;
import io.surety.broker.coordinator.TopicView;
import io.surety.broker.coordinator.TransactionMarkerWriter;
import io.surety.broker.coordinator.TransactionView;
import io.surety.broker.delay.PartitionWatchers;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.SegmentChannels;
import io.surety.broker.log.SegmentFiles;
import io.surety.broker.log.StartRefusedException;
import io.surety.broker.metadata.ClusterIdentity;
import io.surety.broker.metadata.DataDirectory;
import io.surety.broker.metadata.TopicInfo;
import io.surety.broker.metadata.TopicRegistry;
import io.surety.broker.metrics.BrokerHealth;
import io.surety.broker.metrics.BrokerMetrics;
import io.surety.broker.metrics.MetricsHttpServer;
import io.surety.broker.network.InterBrokerClient;
import io.surety.broker.network.NettyServer;
import io.surety.broker.network.TlsEngines;
import io.surety.broker.node.ClusterMarkerWriter;
import io.surety.broker.node.ClusterNode;
import io.surety.broker.node.ClusterScramBootstrap;
import io.surety.broker.node.CoordinatorGroupMember;
import io.surety.broker.node.ImageTopicView;
import io.surety.broker.node.RemoteCoordinatorVerification;
import io.surety.broker.partition.GroupCommitFlusher;
import io.surety.broker.partition.HighWatermarkCheckpoint;
import io.surety.broker.partition.HighWatermarkStore;
import io.surety.broker.partition.Partition;
import io.surety.broker.partition.PartitionMetadataFile;
import io.surety.broker.partition.PartitionRegistry;
import io.surety.broker.producer.ProducerIdAllocator;
import io.surety.broker.producer.ProducerIdsUnavailableException;
import io.surety.broker.security.AccessControl;
import io.surety.broker.security.AclAuthorizer;
import io.surety.broker.security.AclState;
import io.surety.broker.security.AuthenticationCounters;
import io.surety.broker.security.ClientQuotas;
import io.surety.broker.security.ConnectionPrincipals;
import io.surety.broker.security.InterBrokerSasl;
import io.surety.broker.security.SaslListener;
import io.surety.broker.security.SaslMechanisms;
import io.surety.broker.security.SaslSettings;
import io.surety.broker.security.ScramBootstrap;
import io.surety.broker.security.ScramCredentials;
import io.surety.broker.security.ScramUsers;
import io.surety.broker.security.SecurityStates;
import io.surety.broker.security.SecurityStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Surety broker, started in this JVM. The same broker {@code bin/surety start} runs, for
 * applications that want a real Kafka-protocol broker in their own tests:
 *
 * <pre>{@code
 * try (SuretyBroker broker = SuretyBroker.builder().port(0).tempDataDir().start()) {
 *     props.put("bootstrap.servers", broker.bootstrapServers());
 *     ...
 * }
 * }</pre>
 *
 * <p>{@link #close()} stops cleanly: connections are closed, every log is flushed and its recovery
 * point recorded, so the next start skips recovery. Thread-safe.
 *
 * <p>Start order: the metrics/health HTTP listener ({@code metrics.port}) first, so operators see a
 * live process while logs recover; then log recovery; then the Kafka listeners (every broker
 * listener of a cluster node, each on its own port; the one client listener of a single node); a
 * cluster node then registers them all with the controller, and only then does {@code /ready}
 * answer 200.
 */
public final class SuretyBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SuretyBroker.class);
    /** Written by a clean stop, removed at start: its presence means every log was flushed and closed. */
    static final String CLEAN_SHUTDOWN_FILE = ".clean-shutdown";
    private static final String PRODUCER_IDS_FILE = "producer-ids";
    private static final String FSYNC_LEDGER_FILE = "fsync-ledger.log";
    private static final long CONTROLLED_SHUTDOWN_TIMEOUT_MS = 10_000;

    private final BrokerConfig config;
    private final Path dataDir;
    private final boolean deleteDataOnClose;
    private DataDirectory directory;
    private FsyncLedger ledger;
    private volatile List<String> unknownEntries = List.of();
    private final ExecutorService handlerPool;
    private final ScheduledThreadPoolExecutor timer;
    private final ExecutorService coordinatorLoop;
    private final DeferredCloser closer;
    private final SegmentChannels segmentChannels;
    private final BrokerMetrics metrics;
    private MetricsHttpServer metricsServer;
    private PartitionRegistry partitions;
    private GroupCommitFlusher flusher;
    private LogCleaner cleaner;
    private Thread flusherThread;
    /** The flusher's forcing threads under flush.policy=fsync; never interrupted (an interrupted force closes the file). */
    private ExecutorService forcers;
    private NettyServer server;
    private GroupCoordinator groups;
    private ClusterNode clusterNode;
    /** The engines of the SSL listeners, closed after the server. */
    private final List<TlsEngines> tlsEngines = new ArrayList<>();
    private InterBrokerClient peers;
    /**
     * The connections of the transactions' inter-broker requests (markers to the partitions' leaders,
     * verification with the coordinator), apart from the followers' fetches.
     */
    private InterBrokerClient markerPeers;
    private ClusterIdentity identity;
    private volatile boolean closed;
    private volatile boolean ready;
    /** The SCRAM users of the SASL listeners, as the security store last replayed them. */
    private final ScramCredentials scramCredentials = new ScramCredentials();
    /** SCRAM users and (with an authorizer) ACLs, durable under the data directory; open while serving. */
    private SecurityStore securityStore;
    private ScramUsers scramUsers;
    /** Present when {@code authorizer.class.name} is set; its ACLs are loaded before the listeners open. */
    private Optional<AccessControl> accessControl = Optional.empty();
    /** The client quotas, from the security store or, in a cluster, the metadata. */
    private final ClientQuotas clientQuotas = new ClientQuotas();
    /** The ACLs this node knows: replayed from its security store, or in a cluster from the metadata. */
    private AclState aclState;
    /** A cluster node's {@code --add-scram} users on their way to the controller. */
    private ClusterScramBootstrap scramBootstrap;

    private SuretyBroker(BrokerConfig config, boolean deleteDataOnClose, SegmentChannels segmentChannels) {
        this.config = config;
        this.segmentChannels = segmentChannels;
        this.metrics = !config.metrics().enabled() ? BrokerMetrics.create() : BrokerMetrics.create().withJvmMetrics();
        metrics.buildInfo(SuretyVersion.current(), SuretyVersion.commit());
        this.metrics.health(this::health);
        this.dataDir = config.storage().dataDir().toAbsolutePath().normalize();
        this.deleteDataOnClose = deleteDataOnClose;
        this.handlerPool = Executors.newFixedThreadPool(config.network().ioThreads(), threads("surety-handler"));
        this.coordinatorLoop = Executors.newSingleThreadExecutor(threads("surety-coordinator"));
        this.timer = new ScheduledThreadPoolExecutor(1, threads("surety-timer"));
        this.timer.setRemoveOnCancelPolicy(true);
        this.closer = new DeferredCloser(timer);
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Adds or replaces SCRAM user {@code user} for {@code mechanism} (SCRAM-SHA-256 or SCRAM-SHA-512),
     * with Kafka's least iteration count (4096); only the salted keys are kept, durably (as
     * AlterUserScramCredentials keeps them), so the user survives a restart. On a cluster node it is
     * committed through the controller, and every node has it once it applied the change. The next
     * authentication on a SASL listener that enables the mechanism sees it.
     *
     * @throws IllegalArgumentException for a mechanism that is not SCRAM or an empty user name
     * @throws IOException when the credential could not be made durable (or committed)
     */
    public void scramUser(String mechanism, String user, String password) throws IOException {
        if (clusterNode == null) {
            scramUsers.put(mechanism, user, password, 4096);
            return;
        }
        AlterUserScramCredentialsRequestData request = new AlterUserScramCredentialsRequestData();
        request.upsertions().add(ScramBootstrap.of(mechanism, user, password, 4096).toUpsertion());
        try {
            AlterUserScramCredentialsResponseData answer = (AlterUserScramCredentialsResponseData) clusterNode
                    .sendToController(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS, request).get(30, TimeUnit.SECONDS);
            Errors error = Errors.forCode(answer.results().get(0).errorCode());
            if (error != Errors.NONE) {
                throw new IOException("The controller refused SCRAM user " + user + ": " + error.message());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while adding SCRAM user " + user, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IOException("Could not add SCRAM user " + user + " through the controller: " + e.getMessage(), e);
        }
    }

    /** Starts a broker with {@code config}; the caller closes it. */
    public static SuretyBroker start(BrokerConfig config) throws IOException {
        return start(config, List.of());
    }

    /**
     * Starts a broker with {@code config} after adding each of {@code scramUsers} that has no
     * credential for its mechanism yet ({@code --add-scram}), before any listener opens; the caller
     * closes it.
     */
    public static SuretyBroker start(BrokerConfig config, List<ScramBootstrap> scramUsers) throws IOException {
        SuretyBroker broker = new SuretyBroker(config, false, SegmentChannels.FILES);
        broker.startServing(scramUsers);
        return broker;
    }

    private void startServing() throws IOException {
        startServing(List.of());
    }

    private void startServing(List<ScramBootstrap> addScram) throws IOException {
        try {
            config.warnings().forEach(LOG::warn);
            // First, before anything is written: is the data directory Surety's to use?
            // A cluster node never formats its own directory: bin/surety format does, once.
            directory = DataDirectory.claim(dataDir, config.nodeId(), !config.cluster().isCluster());
            identity = directory.identity();
            ledger = config.storage().fsyncLedgerEnabled() ? FsyncLedger.toFile(dataDir.resolve(FSYNC_LEDGER_FILE)) : FsyncLedger.NONE;
            // A single node's users (and ACLs) are loaded before anything can connect, and the bootstrap
            // users added. A cluster node's come from the replicated metadata (ClusterNode).
            // Stored ACLs are replayed (and kept) without an authorizer too; they apply once one is configured.
            Optional<AclAuthorizer> authorizer = config.authorizer().enabled()
                    ? Optional.of(new AclAuthorizer(config.authorizer(), metrics.requests()::denied)) : Optional.empty();
            aclState = new AclState(authorizer);
            if (!config.cluster().isCluster()) {
                securityStore = SecurityStore.open(dataDir, ledger, List.of(scramCredentials, aclState, clientQuotas));
                accessControl = authorizer.map(loaded -> new AccessControl(loaded, aclState, securityStore));
                scramUsers = new ScramUsers(securityStore, scramCredentials);
                for (ScramBootstrap user : addScram) {
                    scramUsers.addIfAbsent(user);
                }
            }
            if (config.metrics().enabled()) {
                metricsServer = MetricsHttpServer.start(config.network().listener().host(), config.metrics().port(),
                        metrics.registry(), this::health);
            }
            Clock clock = Clock.systemUTC();
            Path cleanMarker = dataDir.resolve(CLEAN_SHUTDOWN_FILE);
            boolean cleanShutdown = Files.exists(cleanMarker);
            PartitionWatchers watchers = new PartitionWatchers();
            LogEnvironment environment = LogEnvironment.of(ledger, closer, config.storage().flushPolicy() == FlushPolicy.FSYNC)
                    .withChannels(segmentChannels);
            // Cluster mode: replicas open at the high watermark checkpointed last, never at their log end.
            partitions = new PartitionRegistry(dataDir, environment, clock, watchers::wake, config.cluster().isCluster()
                    ? Optional.of(HighWatermarkStore.load(dataDir, ledger)) : Optional.empty());
            TopicRegistry topics = TopicRegistry.load(dataDir, config, ledger);
            TopicOperations.finishRecordedDeletes(topics, partitions);
            recoverPartitions(topics, cleanShutdown);
            reportUnknownEntries();
            Files.deleteIfExists(cleanMarker);
            SegmentFiles.fsyncDirectory(dataDir);
            int flushThreads = config.storage().flushThreads();
            if (config.storage().flushPolicy() == FlushPolicy.FSYNC && flushThreads > 1) {
                forcers = Executors.newFixedThreadPool(flushThreads, threads("surety-force"));
            }
            flusher = new GroupCommitFlusher(config.storage().flushPolicy(), clock, () -> List.copyOf(partitions.all()),
                    metrics.fsync(), forcers != null ? forcers : Runnable::run);
            flusherThread = threads("surety-flusher").newThread(flusher);
            flusherThread.start();
            if (config.cleaner().enabled()) {
                cleaner = new LogCleaner(config.cleaner(), () -> partitions.all().stream()
                        .filter(partition -> !partition.isOffline()).map(PartitionCompactionTarget::new).toList(), clock);
                cleaner.start();
                metrics.cleanerGauges(cleaner::stats);
            }
            Path producerIdsFile = dataDir.resolve(PRODUCER_IDS_FILE);
            ProducerIdAllocator producerIds = config.cluster().isCluster()
                    ? ProducerIdAllocator.fromBlocks(this::reserveProducerIds)
                    : ProducerIdAllocator.open(producerIdsFile,
                            next -> SegmentFiles.writeDurably(producerIdsFile, ProducerIdAllocator.encode(next), ledger));
            TopicOperations topicOperations = new TopicOperations(config, topics, partitions, metrics.topics());
            TransactionMarkerWriter markers = new PartitionMarkerWriter(partitions, flusher, clock);
            // A cluster's coordinators serve from the coordinator quorum group, on the node that leads it.
            CoordinatorGroupMember coordinatorGroup = null;
            ReplicaServing replicaServing = ReplicaServing.singleNode();
            CoordinatorVerification coordinatorVerification = CoordinatorVerification.UNREACHABLE;
            TopicView coordinatorTopics = topicView(topics);
            if (config.cluster().isCluster()) {
                // The cluster's topics, not only those with replicas here; read once the node has started.
                AtomicReference<ClusterNode> startedNode = new AtomicReference<>();
                coordinatorTopics = new ImageTopicView(() -> Optional.ofNullable(startedNode.get())
                        .map(ClusterNode::image).orElse(ClusterImage.EMPTY));
                coordinatorGroup = new CoordinatorGroupMember(
                        new CommittedCoordinatorState(config.groups(), coordinatorTopics, clock));
                TlsEngines interBrokerTls = interBrokerTls();
                InterBrokerSasl interBrokerSasl = interBrokerSasl();
                peers = new InterBrokerClient(config.nodeId(), config.network().socketRequestMaxBytes(), interBrokerTls,
                        interBrokerSasl);
                clusterNode = ClusterNode.start(config, identity, dataDir, topics, partitions, peers, flusher::awaitDurable,
                        metrics, coordinatorGroup, new SecurityStates(List.of(scramCredentials, aclState, clientQuotas)));
                // The cluster's ACLs arrive with its metadata; changes go through the controller.
                accessControl = aclState.authorizer().map(loaded -> new AccessControl(loaded, aclState, null));
                startedNode.set(clusterNode);
                replicaServing = new ReplicaServing(new PartitionWatchers(), clusterNode.isrChangeSink(),
                        ClusterNode::monotonicMs);
                markerPeers = new InterBrokerClient(config.nodeId(), config.network().socketRequestMaxBytes(),
                        interBrokerTls, interBrokerSasl);
                ClusterNode node = clusterNode;
                markers = new ClusterMarkerWriter(config.nodeId(), config.cluster().listeners().interBrokerName(),
                        node::image, partitions, new LeaderMarkerAppender(flusher, replicaServing.logEndWatchers(), timer, clock),
                        markerPeers,
                        coordinatorGroup::coordinatorEpoch, timer, ClusterNode::monotonicMs);
                coordinatorVerification = new RemoteCoordinatorVerification(
                        config.cluster().listeners().interBrokerName(), node::image, markerPeers);
            }
            if (coordinatorGroup != null) {
                groups = GroupCoordinator.replicated(coordinatorGroup.committed(), coordinatorGroup, config.groups(),
                        config.transactions(), producerIds::nextId, markers, coordinatorTopics, clock, coordinatorLoop,
                        timer);
                coordinatorGroup.serve(groups);
            } else {
                groups = GroupCoordinator.open(dataDir, ledger, config.groups(), config.transactions(),
                        producerIds::nextId, markers, coordinatorTopics, clock, coordinatorLoop, timer);
            }
            TransactionView transactionView = groups.transactions().view();
            metrics.transactions().openTransactions(transactionView::ongoingCount);
            transactionView.onAbort((id, producerId, epoch) -> metrics.transactions().aborted(id, producerId, epoch,
                    "abort decided (by the producer, its timeout, or fencing by a newer producer)"));
            BrokerServices services = new BrokerServices(config, identity, topics, partitions, topicOperations, flusher,
                    watchers, producerIds, groups, groups.transactions(), clock, timer, handlerPool, this::port, metrics,
                    Optional.ofNullable(clusterNode), replicaServing, coordinatorVerification, scramUsers,
                    accessControl, clientQuotas, securityStore);
            scheduleMaintenance(clock);
            metrics.partitionGauges(() -> BrokerGauges.partitions(partitions));
            metrics.groupGauges(() -> BrokerGauges.groups(groups, partitions));
            server = NettyServer.start(bindings(), config.network().networkThreads(),
                    config.network().socketRequestMaxBytes(), config.network().connectionsMaxIdleMs(),
                    new ApiDispatcher(services, metrics.requests()), handlerPool, metrics.connections());
            groups.startTimers();
            if (clusterNode != null) {
                clusterNode.register(advertisedListeners());
                scramBootstrap = ClusterScramBootstrap.start(clusterNode, timer, addScram);
            }
            ready = true;
            LOG.info("Surety broker {} serving on {} (cluster {}, {}, data {}, flush.policy={})", identity.nodeId(),
                    servedListeners(), identity.clusterId(), clusterNode == null ? "single node"
                            : (config.cluster().isVoter() ? "broker and controller" : "broker only")
                                    + ", quorum " + config.cluster().voters(),
                    dataDir, config.storage().flushPolicy().name().toLowerCase());
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close();
            throw new IOException("Interrupted while starting", e);
        }
    }

    /**
     * Every broker listener to bind: the client one alone on a single node, every one on a cluster
     * node. An SSL or SASL_SSL one with its TLS engines, loaded here (and closed with the broker); a
     * SASL one with its mechanisms.
     */
    private List<NettyServer.Binding> bindings() throws StartRefusedException {
        List<NettyServer.Binding> bindings = new ArrayList<>();
        for (NetworkConfig.BrokerListener l : config.network().brokerListeners()) {
            TlsEngines engines = l.isTls() ? tlsEnginesOf(l) : null;
            SaslListener sasl = l.sasl().map(config -> new SaslListener(
                    SaslMechanisms.of(config.mechanisms(), config.jaasEntries(), scramCredentials),
                    new SaslSettings(config.failedAuthenticationDelayMs(), config.maxReauthMs(), config.maxReceiveBytes()),
                    new AuthenticationCounters(metrics.authentications(), l.name()))).orElse(null);
            bindings.add(new NettyServer.Binding(l.name(), l.bound().host(), l.bound().port(), engines, sasl,
                    principals(l.name())));
        }
        return bindings;
    }

    /** Listener {@code l}'s TLS engines, loaded once (the server side and this broker's own connections share them). */
    private TlsEngines tlsEnginesOf(NetworkConfig.BrokerListener l) {
        for (TlsEngines engines : tlsEngines) {
            if (engines.listenerName().equals(l.name())) {
                return engines;
            }
        }
        TlsEngines engines = TlsEngines.of(l.name(), l.tls());
        tlsEngines.add(engines);
        return engines;
    }

    /**
     * The engines this broker's connections to its peers use when the inter-broker listener is an
     * SSL one (the peers serve the listener of the same name), else null.
     */
    private TlsEngines interBrokerTls() {
        String name = config.cluster().listeners().interBrokerName();
        return config.network().brokerListeners().stream().filter(l -> l.name().equals(name) && l.isTls())
                .findFirst().map(this::tlsEnginesOf).orElse(null);
    }

    /**
     * How this broker logs in to its peers when the inter-broker listener takes SASL
     * ({@code sasl.mechanism.inter.broker.protocol} with the listener's JAAS username and password),
     * else null.
     *
     * @throws StartRefusedException naming what to set when the login cannot be made
     */
    private InterBrokerSasl interBrokerSasl() throws StartRefusedException {
        String name = config.cluster().listeners().interBrokerName();
        Optional<SaslConfig.ListenerSasl> sasl = config.network().brokerListeners().stream()
                .filter(l -> l.name().equals(name)).findFirst().flatMap(NetworkConfig.BrokerListener::sasl);
        if (sasl.isEmpty()) {
            return null;
        }
        try {
            return InterBrokerSasl.of(config.originals().get(InterBrokerSasl.MECHANISM), name, sasl.get().mechanisms(),
                    sasl.get().jaasEntries());
        } catch (ConfigException e) {
            throw new StartRefusedException("Invalid configuration: " + e.getMessage());
        }
    }

    /**
     * How listener {@code listenerName} names its connections: {@code principal.builder.class}, or
     * Kafka's default builder with the listener's {@code ssl.principal.mapping.rules}.
     *
     * @throws StartRefusedException naming the setting when the class or the rules cannot be used
     */
    private ConnectionPrincipals principals(String listenerName) throws StartRefusedException {
        Map<String, String> originals = config.originals();
        String rulesKey = BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG;
        String rules = originals.getOrDefault("listener.name." + listenerName.toLowerCase(Locale.ROOT) + "." + rulesKey,
                originals.get(rulesKey));
        try {
            return ConnectionPrincipals.of(listenerName, originals.get(BrokerConfig.PRINCIPAL_BUILDER_CLASS), rules,
                    originals);
        } catch (ConfigException e) {
            throw new StartRefusedException("Invalid configuration: " + e.getMessage());
        }
    }

    /**
     * Every broker listener at the address others are told, as the controller registers them: the
     * advertised host, and the advertised port or, when that is 0, the port bound.
     */
    private List<ListenerEndpoint> advertisedListeners() {
        return config.network().brokerListeners().stream()
                .map(l -> new ListenerEndpoint(l.name(), l.advertised().host(), advertisedPort(l))).toList();
    }

    private int advertisedPort(NetworkConfig.BrokerListener listener) {
        return listener.advertised().port() == 0 ? server.port(listener.name()) : listener.advertised().port();
    }

    /** {@code NAME://host:port} of every listener served, ports as bound, for the start line. */
    private String servedListeners() {
        return String.join(", ", config.network().brokerListeners().stream()
                .map(l -> l.name() + "://" + l.bound().host() + ":" + server.port(l.name())).toList());
    }

    private void recoverPartitions(TopicRegistry topics, boolean cleanShutdown) throws IOException {
        long startNs = System.nanoTime();
        int count = 0;
        boolean cluster = config.cluster().isCluster();
        for (TopicInfo topic : topics.all()) {
            for (int p = 0; p < topic.partitionCount(); p++) {
                TopicPartition tp = new TopicPartition(topic.name(), p);
                // A cluster node hosts only the replicas the metadata gives it: those it has a directory of
                // wait, without a leader, for their role; the others are created when assigned.
                if (cluster && (!partitions.hasDirectory(tp) || !holdsTopic(tp, topic))) {
                    continue;
                }
                partitions.open(tp, topic.id(), topic.config(), cleanShutdown, !cluster);
                count++;
            }
        }
        LOG.info("Loaded {} partitions of {} topics in {} ms ({})", count, topics.all().size(),
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs),
                cleanShutdown ? "clean shutdown: logs trusted" : "no clean-shutdown marker: unflushed data checked");
    }

    /**
     * Cluster mode: whether {@code tp}'s directory may be opened as {@code topic}'s replica — its
     * {@code partition.metadata} names the topic's id, or is missing (written at open). A directory
     * that names another id, or whose file cannot be read, is kept unopened with an ERROR; the
     * first committed metadata decides whether it is a stray ({@code ReplicaRemoval}).
     */
    private boolean holdsTopic(TopicPartition tp, TopicInfo topic) {
        try {
            Optional<Uuid> held = partitions.heldTopicId(tp);
            if (held.isEmpty() || held.get().equals(topic.id())) {
                return true;
            }
            LOG.error("{} holds topic id {} ({}), but topic {} has id {}: it is not opened, and kept",
                    dataDir.resolve(PartitionRegistry.directoryName(tp)), held.get(), PartitionMetadataFile.FILE_NAME,
                    topic.name(), topic.id());
        } catch (IOException e) {
            LOG.error("{} is not opened, and kept: {}", dataDir.resolve(PartitionRegistry.directoryName(tp)),
                    e.getMessage());
        }
        return false;
    }

    /**
     * Reports what lies in the data directory that no topic, deletion record or broker file
     * accounts for: a directory of a topic whose definition went missing, a user's file. Nothing
     * is deleted because of its name; the entries are listed in the log, {@code /ready} and a metric.
     */
    private void reportUnknownEntries() throws IOException {
        Set<String> known = new HashSet<>(Set.of(TopicRegistry.directoryName(), GroupCoordinator.DATA_DIRECTORY,
                SecurityStore.DIRECTORY,
                CLEAN_SHUTDOWN_FILE, PRODUCER_IDS_FILE, FSYNC_LEDGER_FILE, ClusterNode.QUORUM_DIRECTORY,
                HighWatermarkCheckpoint.FILE_NAME, HighWatermarkCheckpoint.FILE_NAME + ".tmp"));
        for (Partition partition : partitions.all()) {
            known.add(PartitionRegistry.directoryName(partition.topicPartition()));
        }
        unknownEntries = List.copyOf(directory.unknownEntries(known));
        for (String entry : unknownEntries) {
            LOG.warn("The data directory holds {}, which belongs to no topic Surety knows; it is kept as it is. If it "
                    + "is a topic's data whose definition under topics/ went missing, restore that file and restart; "
                    + "otherwise move it out of {}", dataDir.resolve(entry), dataDir);
        }
    }

    private static TopicView topicView(TopicRegistry topics) {
        return new TopicView() {
            @Override
            public Topic byName(String name) {
                return view(topics.get(name));
            }

            @Override
            public Topic byId(org.apache.kafka.common.Uuid id) {
                return view(topics.get(id));
            }

            @Override
            public java.util.Collection<Topic> all() {
                return topics.all().stream().map(t -> view(t)).toList();
            }

            private Topic view(TopicInfo topic) {
                return topic == null ? null : new Topic(topic.name(), topic.id(), topic.partitionCount());
            }
        };
    }

    private void scheduleMaintenance(Clock clock) {
        long retentionEvery = config.storage().retentionCheckIntervalMs();
        timer.scheduleWithFixedDelay(() -> handlerPool.execute(() -> {
            for (Partition partition : partitions.all()) {
                partition.applyRetention(clock.millis(), config.transactions().producerIdExpirationMs());
            }
        }), retentionEvery, retentionEvery, TimeUnit.MILLISECONDS);
        long checkpointEvery = config.storage().recoveryCheckpointIntervalMs();
        timer.scheduleWithFixedDelay(() -> handlerPool.execute(() -> partitions.all()
                .forEach(Partition::checkpointRecoveryPoint)), checkpointEvery, checkpointEvery, TimeUnit.MILLISECONDS);
        long highWatermarksEvery = config.replication().replicaHighWatermarkCheckpointIntervalMs();
        if (config.cluster().isCluster() && highWatermarksEvery > 0) {
            timer.scheduleWithFixedDelay(() -> handlerPool.execute(partitions::checkpointHighWatermarks),
                    highWatermarksEvery, highWatermarksEvery, TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Controlled shutdown (controlled.shutdown.enable): before anything stops, the controller moves
     * this broker's leaderships to other in-sync replicas, so producers see a new leader rather
     * than a dead one. Bounded, so a stop without a reachable controller still exits.
     */
    private void leaveCluster() {
        if (!config.replication().controlledShutdownEnable() || clusterNode.isFenced()) {
            return;
        }
        long startNs = System.nanoTime();
        try {
            boolean granted = clusterNode.leave(CONTROLLED_SHUTDOWN_TIMEOUT_MS);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
            if (granted) {
                LOG.info("Controlled shutdown: node {} handed over its leaderships in {} ms", identity.nodeId(), tookMs);
            } else {
                LOG.warn("Controlled shutdown: the controller did not confirm within {} ms; stopping anyway (the "
                        + "controller moves leaderships once this node's session expires)", tookMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A cluster node's producer ids come in blocks from the controller, once the node has joined. */
    private ProducerIdAllocator.Block reserveProducerIds() throws IOException {
        ClusterNode node = clusterNode;
        if (node == null) {
            throw new ProducerIdsUnavailableException("Node " + config.nodeId() + " is still starting", null);
        }
        return node.reserveProducerIds();
    }

    /** This node's part of the cluster; empty on a single node. */
    public Optional<ClusterNode> clusterNode() {
        return Optional.ofNullable(clusterNode);
    }

    /** The port the client listener is bound to (the one picked when configured with port 0). */
    public int port() {
        return server.port(config.network().clientListenerName());
    }

    /**
     * The port broker listener {@code listenerName} is bound to.
     *
     * @throws IllegalArgumentException when the broker serves no such listener
     */
    public int port(String listenerName) {
        return server.port(listenerName.toUpperCase(Locale.ROOT));
    }

    /** {@code host:port} for clients' {@code bootstrap.servers}: the client listener's advertised address. */
    public String bootstrapServers() {
        return bootstrapServers(config.network().clientListenerName());
    }

    /**
     * {@code host:port} of broker listener {@code listenerName} as advertised (its bound port when
     * advertised with port 0): what a client of that listener bootstraps from.
     *
     * @throws IllegalArgumentException when the broker serves no such listener
     */
    public String bootstrapServers(String listenerName) {
        String name = listenerName.toUpperCase(Locale.ROOT);
        NetworkConfig.BrokerListener listener = config.network().brokerListeners().stream()
                .filter(l -> l.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("No broker listener " + listenerName));
        return listener.advertised().host() + ":" + advertisedPort(listener);
    }

    public Path dataDir() {
        return dataDir;
    }

    public BrokerConfig config() {
        return config;
    }

    public String clusterId() {
        return identity.clusterId();
    }

    /** This broker's metrics (served on {@code metrics.port} when that is not 0). */
    public BrokerMetrics metrics() {
        return metrics;
    }

    /** The log cleaner's counters (passes run, bytes removed); empty when {@code log.cleaner.enable=false}. */
    public Map<String, Long> cleanerStats() {
        return cleaner == null ? Map.of() : cleaner.stats();
    }

    /**
     * Whether log recovery is done and the Kafka listener accepts clients, and in cluster mode the
     * node has joined the cluster ({@link ClusterNode#notJoinedBecause()}): what {@code /ready} says.
     */
    public boolean isReady() {
        return ready && (clusterNode == null || clusterNode.isMember());
    }

    /**
     * What {@code /ready} reports: started or not, what a cluster node still waits for to join, the
     * partitions kept offline and why, and the entries of the data directory that belong to nothing
     * the broker knows.
     */
    public BrokerHealth health() {
        PartitionRegistry registry = partitions;
        if (!ready || registry == null) {
            return BrokerHealth.NOT_STARTED;
        }
        ClusterNode node = clusterNode;
        if (node != null) {
            List<String> missing = node.notJoinedBecause();
            if (!missing.isEmpty()) {
                return BrokerHealth.joining(missing);
            }
        }
        List<String> offline = new ArrayList<>();
        for (Partition partition : registry.all()) {
            String reason = partition.offlineReason();
            if (reason != null) {
                offline.add(PartitionRegistry.directoryName(partition.topicPartition()) + ": " + reason);
            }
        }
        offline.sort(null);
        return new BrokerHealth(true, offline, unknownEntries);
    }

    /** Stops serving, flushes and closes every log, and marks the shutdown clean. Idempotent. */
    @Override
    public void close() {
        close(true);
    }

    /**
     * Stops as {@link #close()} does but without the controlled shutdown of a cluster node: for
     * stopping a whole cluster at once, where no other broker could take the leaderships over.
     */
    void closeWithoutHandover() {
        close(false);
    }

    private synchronized void close(boolean handOver) {
        if (closed) {
            return;
        }
        closed = true;
        if (clusterNode != null && handOver) {
            leaveCluster();
        }
        ready = false;
        if (scramBootstrap != null) {
            scramBootstrap.stop();
        }
        if (clusterNode != null) {
            clusterNode.close();
        }
        if (peers != null) {
            peers.close();
        }
        if (markerPeers != null) {
            markerPeers.close();
        }
        if (server != null) {
            server.close();
        }
        accessControl.ifPresent(control -> control.authorizer().close());
        // After the server and the peer clients, which make engines from them.
        tlsEngines.forEach(TlsEngines::close);
        if (flusher != null) {
            flusher.stop();
            try {
                flusherThread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (forcers != null) {
            // Forces already started finish (and complete their waiters) before the logs close.
            forcers.shutdown();
            try {
                forcers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (cleaner != null) {
            cleaner.close();
        }
        handlerPool.shutdown();
        if (groups != null) {
            groups.close();
        }
        coordinatorLoop.shutdown();
        timer.shutdownNow();
        try {
            handlerPool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closer.runAllNow();
        if (partitions != null) {
            // A corrupt log's damage is looked for again at the next start, with CRCs: no clean mark.
            boolean corrupt = partitions.all().stream().anyMatch(partition -> partition.log().damage().isPresent());
            partitions.closeAll();
            if (corrupt) {
                LOG.warn("Not marking the shutdown clean: a partition is corrupt, and the next start checks it again");
            } else {
                try {
                    Files.writeString(dataDir.resolve(CLEAN_SHUTDOWN_FILE), "");
                    SegmentFiles.fsyncDirectory(dataDir);
                } catch (IOException e) {
                    LOG.warn("Could not mark the shutdown clean; the next start will recover", e);
                }
            }
        }
        if (securityStore != null) {
            try {
                securityStore.close();
            } catch (IOException e) {
                LOG.warn("Could not close the security journal", e);
            }
        }
        if (directory != null) {
            try {
                directory.close();
            } catch (IOException e) {
                LOG.warn("Could not release the data directory lock", e);
            }
        }
        if (deleteDataOnClose) {
            deleteRecursively(dataDir);
        }
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (directory != null) {
            LOG.info("Surety broker stopped");
        }
    }

    static void deleteRecursively(Path dir) {
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ThreadFactory threads(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + n.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * Builds an in-process broker: 127.0.0.1, a chosen or free port, a given or temporary data
     * directory. Two defaults differ from {@code bin/surety start}, because an embedded broker
     * serves tests: the metrics/health HTTP listener is off unless {@code metrics.port} is set (it
     * should not take a fixed port), and {@code group.initial.rebalance.delay.ms} is 0 (Kafka's 3 s
     * wait for more members of a new group only slows a test's first consumer down).
     */
    public static final class Builder {
        private final Map<String, String> settings = new LinkedHashMap<>();
        private boolean tempDataDir;
        private int port = 0;
        private SegmentChannels segmentChannels = SegmentChannels.FILES;

        private Builder() {
        }

        /** The port to listen on; 0 (the default) picks a free one. */
        public Builder port(int port) {
            this.port = port;
            return this;
        }

        public Builder dataDir(Path dir) {
            settings.put(BrokerConfig.LOG_DIRS, dir.toString());
            tempDataDir = false;
            return this;
        }

        /** A fresh temporary data directory, deleted when the broker closes. */
        public Builder tempDataDir() {
            tempDataDir = true;
            return this;
        }

        /** Any broker setting, with Kafka's key names. */
        public Builder config(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public Builder configs(Map<String, String> more) {
            settings.putAll(more);
            return this;
        }

        /** How segment files are opened: a seam for tests that slow down or fail the disk. */
        Builder segmentChannels(SegmentChannels channels) {
            this.segmentChannels = channels;
            return this;
        }

        public SuretyBroker start() throws IOException {
            Map<String, String> all = new LinkedHashMap<>(settings);
            all.putIfAbsent(BrokerConfig.LISTENERS, "PLAINTEXT://127.0.0.1:" + port);
            all.putIfAbsent(BrokerConfig.METRICS_PORT, "0");
            all.putIfAbsent(BrokerConfig.GROUP_INITIAL_REBALANCE_DELAY_MS, "0");
            if (tempDataDir || !all.containsKey(BrokerConfig.LOG_DIRS)) {
                all.put(BrokerConfig.LOG_DIRS, Files.createTempDirectory("surety-").toString());
                tempDataDir = true;
            }
            SuretyBroker broker = new SuretyBroker(BrokerConfig.of(all), tempDataDir, segmentChannels);
            broker.startServing();
            return broker;
        }
    }
}
