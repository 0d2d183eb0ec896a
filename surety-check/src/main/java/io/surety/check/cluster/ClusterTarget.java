package io.surety.check.cluster;

import io.surety.harness.FaultProxy;
import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.UUID;

/**
 * A replicated cluster the check starts, of Surety or of Apache Kafka ({@link BrokerKind}): {@code n}
 * combined broker and controller nodes as child processes on 127.0.0.1, each data directory
 * formatted with one new cluster id first (as {@code bin/surety format} or {@code kafka-storage
 * format} does), and two fault proxies per node — one in front of its client
 * listener, one in front of its replication listener. Each node advertises the proxies, so the
 * workload's clients and the followers fetching from a node really cross them; a cut, an isolation
 * or a reset is then a proxy fault on the right node. The metadata quorum (and Surety's coordinator
 * quorum) on the CONTROLLER listener does not cross a proxy.
 *
 * <p>Listeners of node {@code i}: {@code PLAINTEXT} (direct, for the check's admin and final reads),
 * {@code CLIENT} (advertised at the client proxy), {@code REPLICATION} (the inter-broker listener,
 * advertised at the replication proxy) and {@code CONTROLLER} (the quorum). Every port is chosen
 * once, so a node killed with {@code kill -9} comes back on the same ports and data.
 *
 * <p>Settings beyond the defaults: a short broker session ({@value #SESSION_TIMEOUT_MS} ms, heartbeats
 * every 500 ms) so that a killed or frozen node is fenced within a short run, and
 * {@code group.initial.rebalance.delay.ms=0}. The check's topics get replication factor
 * {@code n} and {@code min.insync.replicas=2} ({@link #topicConfigs()}).
 *
 * <p>Thread-safety: {@link #start} and {@link #close} on the run's thread; the nodes are used by the
 * fault schedule's thread meanwhile.
 */
public final class ClusterTarget implements Target {

    /** The broker session the nodes run with: a node silent this long is fenced. */
    public static final int SESSION_TIMEOUT_MS = 4_000;
    private static final int PORTS_PER_NODE = 6;
    private static final Duration FORMAT_TIMEOUT = Duration.ofSeconds(60);

    private final Map<Integer, ClusterNode> nodes;
    private final BrokerKind kind;
    private final long startMs;

    private ClusterTarget(Map<Integer, ClusterNode> nodes, BrokerKind kind, long startMs) {
        this.nodes = nodes;
        this.kind = kind;
        this.startMs = startMs;
    }

    /**
     * Formats and starts {@code count} nodes under {@code runDirectory} side by side, with their
     * proxies, and returns once every node has printed its start banner.
     *
     * @throws IllegalStateException when a node cannot be formatted or does not start (its log is named)
     */
    public static ClusterTarget start(Path runDirectory, int count, int partitions) {
        return start(runDirectory, count, partitions, new BrokerKind.Surety());
    }

    /** {@link #start(Path, int, int)} with nodes of {@code kind}. */
    public static ClusterTarget start(Path runDirectory, int count, int partitions, BrokerKind kind) {
        long startNs = System.nanoTime();
        List<Integer> ports = FreePorts.find(PORTS_PER_NODE * count);
        StringJoiner voters = new StringJoiner(",");
        for (int id = 1; id <= count; id++) {
            voters.add(id + "@127.0.0.1:" + port(ports, id, 3));
        }
        String clusterId = newClusterId();
        Map<Integer, ClusterNode> nodes = new LinkedHashMap<>();
        List<FaultProxy> proxies = new ArrayList<>();
        try {
            List<JvmProcess> formats = new ArrayList<>();
            for (int id = 1; id <= count; id++) {
                FaultProxy client = FaultProxy.builder("127.0.0.1", port(ports, id, 1)).name("node-" + id + "-client")
                        .listenPort(port(ports, id, 4)).start();
                proxies.add(client);
                FaultProxy replication = FaultProxy.builder("127.0.0.1", port(ports, id, 2))
                        .name("node-" + id + "-replication").listenPort(port(ports, id, 5)).start();
                proxies.add(replication);
                Map<String, String> config = nodeConfig(runDirectory, id, ports, voters.toString(), partitions,
                        client, replication);
                config.putAll(kind.settings(count));
                nodes.put(id, new ClusterNode(id, kind.node(config, runDirectory, id), port(ports, id, 0), client,
                        replication, kind));
                formats.add(kind.format(clusterId, config, runDirectory, id).start());
            }
            for (JvmProcess format : formats) {
                awaitExit(format);
            }
            nodes.values().forEach(ClusterNode::launch);
            nodes.values().forEach(ClusterNode::awaitStarted);
        } catch (RuntimeException e) {
            nodes.values().forEach(ClusterNode::close);
            proxies.forEach(FaultProxy::close);
            throw new IllegalStateException("the " + kind.label() + " cluster did not start: " + e.getMessage(), e);
        }
        return new ClusterTarget(nodes, kind, (System.nanoTime() - startNs) / 1_000_000);
    }

    private static int port(List<Integer> ports, int id, int which) {
        return ports.get(PORTS_PER_NODE * (id - 1) + which);
    }

    private static Map<String, String> nodeConfig(Path runDirectory, int id, List<Integer> ports, String voters,
            int partitions, FaultProxy client, FaultProxy replication) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", Integer.toString(id));
        config.put("process.roles", "broker,controller");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + port(ports, id, 0)
                + ",CLIENT://127.0.0.1:" + port(ports, id, 1)
                + ",REPLICATION://127.0.0.1:" + port(ports, id, 2)
                + ",CONTROLLER://127.0.0.1:" + port(ports, id, 3));
        config.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port(ports, id, 0)
                + ",CLIENT://" + client.address() + ",REPLICATION://" + replication.address());
        config.put("listener.security.protocol.map",
                "PLAINTEXT:PLAINTEXT,CLIENT:PLAINTEXT,REPLICATION:PLAINTEXT,CONTROLLER:PLAINTEXT");
        config.put("inter.broker.listener.name", "REPLICATION");
        config.put("controller.listener.names", "CONTROLLER");
        config.put("controller.quorum.voters", voters);
        config.put("log.dirs", runDirectory.resolve("node-" + id).toAbsolutePath().toString());
        config.put("num.partitions", Integer.toString(partitions));
        config.put("group.initial.rebalance.delay.ms", "0");
        config.put("broker.heartbeat.interval.ms", "500");
        config.put("broker.session.timeout.ms", Integer.toString(SESSION_TIMEOUT_MS));
        return config;
    }

    private static void awaitExit(JvmProcess format) {
        long deadlineNs = System.nanoTime() + FORMAT_TIMEOUT.toNanos();
        try {
            while (format.isAlive()) {
                if (System.nanoTime() - deadlineNs > 0) {
                    format.close();
                    throw new IllegalStateException("formatting a node took more than " + FORMAT_TIMEOUT.toSeconds()
                            + " s (see " + format.logFile() + ")");
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            format.close();
            throw new IllegalStateException("interrupted while formatting the nodes", e);
        }
        if (format.exitCode().orElse(-1) != 0) {
            throw new IllegalStateException("formatting a node failed with exit code " + format.exitCode().orElse(-1)
                    + " (see " + format.logFile() + ")");
        }
    }

    /** A base64 UUID, as {@code bin/surety random-uuid} prints. */
    private static String newClusterId() {
        UUID uuid = UUID.randomUUID();
        ByteBuffer bytes = ByteBuffer.allocate(16).putLong(uuid.getMostSignificantBits())
                .putLong(uuid.getLeastSignificantBits());
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** The nodes' direct addresses (not the proxies'). */
    @Override
    public String bootstrapServers() {
        StringJoiner joined = new StringJoiner(",");
        nodes.values().forEach(node -> joined.add(node.directAddress()));
        return joined.toString();
    }

    /** The client proxies' addresses: what the workload bootstraps from. */
    public String proxiedBootstrapServers() {
        StringJoiner joined = new StringJoiner(",");
        nodes.values().forEach(node -> joined.add(node.clientProxy().address()));
        return joined.toString();
    }

    @Override
    public String describe() {
        return nodes.size() + "-node " + kind.label() + " cluster started by the check (RF " + nodes.size()
                + ", min.insync.replicas=2, broker session " + SESSION_TIMEOUT_MS + " ms, " + kind.durability()
                + "; started in " + String.format(Locale.ROOT, "%.1f", startMs / 1000.0) + " s)";
    }

    /** Which broker the nodes run. */
    public BrokerKind kind() {
        return kind;
    }

    /** How long formatting and starting every node took. */
    public long startMs() {
        return startMs;
    }

    public List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    public ClusterNode node(int id) {
        ClusterNode node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return node;
    }

    /** The proxies in front of every node's client listener. */
    public List<FaultProxy> clientProxies() {
        return nodes.values().stream().map(ClusterNode::clientProxy).toList();
    }

    @Override
    public Optional<Short> replicationFactor() {
        return Optional.of((short) nodes.size());
    }

    @Override
    public Map<String, String> topicConfigs() {
        return Map.of("min.insync.replicas", "2");
    }

    /** Whole-cluster crash: every node killed with {@code kill -9} at once, then all started again. */
    @Override
    public boolean canCrash() {
        return true;
    }

    @Override
    public void crashAndRestart() {
        nodes.values().forEach(ClusterNode::kill9);
        nodes.values().forEach(ClusterNode::launch);
        nodes.values().forEach(ClusterNode::awaitStarted);
    }

    /** Every proxy of every node healed: for the end of the traffic. */
    public void healAll() {
        for (ClusterNode node : nodes.values()) {
            node.heal();
        }
    }

    @Override
    public void close() {
        nodes.values().forEach(ClusterNode::close);
    }
}
