package io.surety.broker;

import io.surety.broker.metadata.DataDirectory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.common.Uuid;

/**
 * A cluster of Surety nodes in this JVM, each a combined broker and controller with its own data
 * directory and its own ports on 127.0.0.1, formatted with one cluster id before the first start:
 * for tests that need replication without child processes.
 *
 * <pre>{@code
 * try (SuretyCluster cluster = SuretyCluster.builder().nodes(3).start()) {
 *     String bootstrap = cluster.bootstrapServers();
 *     cluster.stop(2);      // clean stop of node 2
 *     cluster.restart(2);   // the same data directory and ports
 * }
 * }</pre>
 *
 * <p>By default each node has one broker listener, {@code PLAINTEXT}, for clients and replication
 * alike. {@link Builder#interBrokerListener(ListenerAddress)} gives every node a second one,
 * {@value #INTER_BROKER_LISTENER}, that the brokers replicate over, advertised wherever the test
 * likes: in front of a fault proxy, say, to cut the followers' fetches and nothing else.
 *
 * <p>Thread-safety: one thread drives the cluster (starts, stops and restarts nodes).
 */
public final class SuretyCluster implements AutoCloseable {

    /** The name of the inter-broker listener {@link Builder#interBrokerListener(ListenerAddress)} adds. */
    public static final String INTER_BROKER_LISTENER = "INTERNAL";

    private final String clusterId;
    private final Map<Integer, NodeSlot> slots;
    private final boolean deleteDataOnClose;
    private final Path root;
    private final NodeConfigs configs;

    private record NodeSlot(int nodeId, Path dataDir, int clientPort, int controllerPort, Map<String, String> config) {
    }

    /** Where a node's inter-broker listener is advertised. */
    @FunctionalInterface
    public interface ListenerAddress {
        /**
         * The {@code host:port} to advertise node {@code nodeId}'s listener at, given the port on
         * 127.0.0.1 it binds; called once per node as the cluster is built.
         */
        String advertised(int nodeId, int boundPort);
    }

    private final Map<Integer, SuretyBroker> running = new LinkedHashMap<>();

    private SuretyCluster(String clusterId, Map<Integer, NodeSlot> slots, Path root, boolean deleteDataOnClose,
                          NodeConfigs configs) {
        this.clusterId = clusterId;
        this.slots = slots;
        this.configs = configs;
        this.root = root;
        this.deleteDataOnClose = deleteDataOnClose;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String clusterId() {
        return clusterId;
    }

    /** Node ids, in order. */
    public List<Integer> nodeIds() {
        return List.copyOf(slots.keySet());
    }

    /** The running node {@code nodeId}; empty while it is stopped. */
    public Optional<SuretyBroker> node(int nodeId) {
        return Optional.ofNullable(running.get(nodeId));
    }

    /** The client addresses of every node, running or not. */
    public String bootstrapServers() {
        StringJoiner joined = new StringJoiner(",");
        slots.values().forEach(slot -> joined.add("127.0.0.1:" + slot.clientPort()));
        return joined.toString();
    }

    /**
     * Stops node {@code nodeId} cleanly, as SIGTERM does: its leaderships move to other replicas
     * first (controlled shutdown); its data directory stays.
     */
    public void stop(int nodeId) {
        SuretyBroker broker = running.remove(nodeId);
        if (broker != null) {
            broker.close();
        }
    }

    /**
     * Stops node {@code nodeId} without a controlled shutdown: to the other nodes it is gone as after
     * a crash, and its leaderships move only once its broker session expires. (Its own logs still
     * close cleanly; a {@code kill -9} needs the broker in a child process.)
     */
    public void halt(int nodeId) {
        SuretyBroker broker = running.remove(nodeId);
        if (broker != null) {
            broker.closeWithoutHandover();
        }
    }

    /** Starts node {@code nodeId} again on its data directory and ports. */
    public SuretyBroker restart(int nodeId) throws IOException {
        stop(nodeId);
        NodeSlot slot = slots.get(nodeId);
        SuretyBroker broker = SuretyBroker.builder().dataDir(slot.dataDir()).port(slot.clientPort())
                .configs(slot.config()).start();
        running.put(nodeId, broker);
        return broker;
    }

    /**
     * Adds a broker-only node to the running cluster ({@code process.roles=broker}, the next node id,
     * formatted with the cluster's id) and starts it: it joins the metadata and coordinator quorums
     * without a vote and registers as a broker, ready for replicas to be moved onto it. Its settings
     * are the other nodes' (listeners of its own, the same voters). Returns its node id.
     */
    public int addBroker() throws IOException {
        int nodeId = slots.keySet().stream().mapToInt(Integer::intValue).max().orElse(0) + 1;
        int[] ports = Builder.freePorts(configs.portsPerNode()).stream().mapToInt(Integer::intValue).toArray();
        Path dir = root.resolve("node-" + nodeId);
        DataDirectory.format(dir, clusterId, nodeId, false, false);
        slots.put(nodeId, new NodeSlot(nodeId, dir, ports[0], ports[1], configs.of(nodeId, ports, dir, false)));
        restart(nodeId);
        return nodeId;
    }

    /** Stops every node (without handing leaderships over: nobody would be left to take them). */
    @Override
    public void close() {
        running.values().forEach(SuretyBroker::closeWithoutHandover);
        running.clear();
        if (deleteDataOnClose) {
            SuretyBroker.deleteRecursively(root);
        }
    }

    /** Builds and starts a cluster. */
    public static final class Builder {
        /** Linux's default first ephemeral port, where the range cannot be read; ports are drawn below it. */
        private static final int DEFAULT_EPHEMERAL_LOW = 32_768;
        private static final int LOWEST_PORT = 10_000;

        private int nodes = 3;
        private Path dataRoot;
        private final Map<String, String> settings = new LinkedHashMap<>();
        private ListenerAddress interBroker;

        /** How many nodes, every one a voter of the quorum (default 3). */
        public Builder nodes(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("a cluster has at least one node");
            }
            this.nodes = count;
            return this;
        }

        /** Where node data directories go ({@code node-<id>}); default a temporary directory deleted at close. */
        public Builder dataRoot(Path dir) {
            this.dataRoot = dir;
            return this;
        }

        /**
         * Gives every node a second broker listener, {@value #INTER_BROKER_LISTENER}, on its own port
         * of 127.0.0.1, and makes it the inter-broker listener (followers fetch over it), advertised
         * at the address {@code advertise} returns. Clients keep using {@code PLAINTEXT}.
         */
        public Builder interBrokerListener(ListenerAddress advertise) {
            this.interBroker = advertise;
            return this;
        }

        /** A setting given to every node (Kafka's key names). */
        public Builder config(String key, String value) {
            settings.put(key, value);
            return this;
        }

        public SuretyCluster start() throws IOException {
            boolean temporary = dataRoot == null;
            Path root = temporary ? Files.createTempDirectory("surety-cluster-") : dataRoot;
            String clusterId = Uuid.randomUuid().toString();
            int perNode = NodeConfigs.portsPerNode(interBroker);
            List<Integer> free = freePorts(nodes * perNode);
            List<int[]> ports = new ArrayList<>();
            StringJoiner voters = new StringJoiner(",");
            for (int id = 1; id <= nodes; id++) {
                int first = (id - 1) * perNode;
                int[] node = perNode == 2 ? new int[] {free.get(first), free.get(first + 1)}
                        : new int[] {free.get(first), free.get(first + 1), free.get(first + 2)};
                ports.add(node);
                voters.add(id + "@127.0.0.1:" + node[1]);
            }
            NodeConfigs configs = new NodeConfigs(voters.toString(), interBroker, Map.copyOf(settings));
            Map<Integer, NodeSlot> slots = new LinkedHashMap<>();
            for (int id = 1; id <= nodes; id++) {
                int[] pair = ports.get(id - 1);
                Path dir = root.resolve("node-" + id);
                DataDirectory.format(dir, clusterId, id, false, false);
                slots.put(id, new NodeSlot(id, dir, pair[0], pair[1], configs.of(id, pair, dir, true)));
            }
            SuretyCluster cluster = new SuretyCluster(clusterId, slots, root, temporary, configs);
            try {
                for (int id : slots.keySet()) {
                    cluster.restart(id);
                }
            } catch (IOException | RuntimeException e) {
                cluster.close();
                throw e;
            }
            return cluster;
        }

        /**
         * {@code count} distinct free ports on 127.0.0.1, drawn from below the ephemeral range
         * ({@code ip_local_port_range} on Linux): a port from inside it could be handed to an
         * outgoing connection (a started node reaching for peers not yet up) before its node binds
         * it. Each is checked by binding it, and all are held until all are found.
         */
        static List<Integer> freePorts(int count) {
            int high = ephemeralLow();
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int attempt = 0; held.size() < count && attempt < 100 * count; attempt++) {
                    int port = ThreadLocalRandom.current().nextInt(LOWEST_PORT, high);
                    ServerSocket socket = new ServerSocket();
                    try {
                        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
                        held.add(socket);
                    } catch (IOException taken) {
                        socket.close();
                    }
                }
                if (held.size() < count) {
                    throw new IOException("found only " + held.size() + " of " + count + " free ports on 127.0.0.1");
                }
                return held.stream().map(ServerSocket::getLocalPort).toList();
            } catch (IOException e) {
                throw new UncheckedIOException("No free ports for the cluster's listeners", e);
            } finally {
                for (ServerSocket socket : held) {
                    try {
                        socket.close();
                    } catch (IOException ignored) {
                        // an unconnected listening socket: nothing to recover
                    }
                }
            }
        }

        private static int ephemeralLow() {
            try {
                String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
                int low = Integer.parseInt(range.split("\\s+")[0]);
                return low > LOWEST_PORT + 1_000 ? low : DEFAULT_EPHEMERAL_LOW;
            } catch (IOException | RuntimeException e) {
                return DEFAULT_EPHEMERAL_LOW;
            }
        }
    }

    /** The settings of every node of one cluster: what differs between nodes is their id, ports, directory and role. */
    private record NodeConfigs(String voters, ListenerAddress interBroker, Map<String, String> settings) {

        static int portsPerNode(ListenerAddress interBroker) {
            return interBroker == null ? 2 : 3;
        }

        int portsPerNode() {
            return portsPerNode(interBroker);
        }

        /**
         * Node {@code id}'s settings: {@code ports} are its client, controller and (with an
         * inter-broker listener) inter-broker ports; a voter is a combined node, any other node a
         * broker only.
         */
        Map<String, String> of(int id, int[] ports, Path dir, boolean voter) {
            Map<String, String> config = new LinkedHashMap<>();
            config.put("node.id", Integer.toString(id));
            config.put("process.roles", voter ? "broker,controller" : "broker");
            config.put("listeners", "PLAINTEXT://127.0.0.1:" + ports[0] + ",CONTROLLER://127.0.0.1:" + ports[1]);
            config.put("controller.listener.names", "CONTROLLER");
            if (interBroker != null) {
                int port = ports[2];
                config.put("listeners", config.get("listeners") + "," + INTER_BROKER_LISTENER + "://127.0.0.1:" + port);
                config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                        + INTER_BROKER_LISTENER + ":PLAINTEXT");
                config.put("inter.broker.listener.name", INTER_BROKER_LISTENER);
                config.put("advertised.listeners", INTER_BROKER_LISTENER + "://" + interBroker.advertised(id, port));
            }
            config.put("controller.quorum.voters", voters);
            config.put("log.dirs", dir.toString());
            config.put("metrics.port", "0");
            config.putAll(settings);
            return Map.copyOf(config);
        }
    }
}
