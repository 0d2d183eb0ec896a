package io.surety.broker.durability;

import io.surety.broker.SuretyCluster.ListenerAddress;
import io.surety.broker.metadata.DataDirectory;
import io.surety.harness.FreePorts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.StringJoiner;
import org.apache.kafka.common.Uuid;

/**
 * Surety cluster nodes in child JVMs, one {@link ChildBroker} each: combined broker and controller
 * nodes ({@code process.roles=broker,controller}) with ids 1..n, each with a client port and a
 * controller (Ratis) port on 127.0.0.1 chosen once, and a data directory formatted for one cluster
 * id before the first start, as {@code bin/surety format} does. Any node can be killed with
 * {@code kill -9} and started again on the same ports and data.
 *
 * <p>By default a node's {@code PLAINTEXT} listener serves clients and replication alike.
 * {@link #startWithReplicationListener} gives every node a third listener, {@value #REPLICATION_LISTENER},
 * that followers fetch over, advertised wherever the test likes: at a fault proxy in front of it,
 * say, to cut the followers' fetches and nothing else.
 *
 * <p>Data directories ({@code node-<id>}) and logs ({@code node-<id>.log}) live in the test's
 * {@link RunDirectory}, so a failing run keeps both.
 *
 * <p>Not thread-safe: driven by the test thread.
 */
final class ChildCluster implements AutoCloseable {

    /**
     * The client compiler only: three nodes and the test share two cores, and the nodes restart often,
     * so a quick start is worth more than peak speed.
     */
    private static final List<String> NODE_JVM_ARGS = List.of("-XX:TieredStopAtLevel=1");

    /** Client, controller and (when asked for) replication: reserved whether used or not. */
    private static final int PORTS_PER_NODE = 3;

    /** The name of the inter-broker listener {@link #startWithReplicationListener} adds. */
    static final String REPLICATION_LISTENER = "REPLICATION";

    private final String clusterId;
    private final Map<Integer, ChildBroker> nodes;

    private ChildCluster(String clusterId, Map<Integer, ChildBroker> nodes) {
        this.clusterId = clusterId;
        this.nodes = nodes;
    }

    /**
     * Formats {@code nodeCount} data directories with a new cluster id, starts a node on each side by
     * side and returns once every one has printed its start banner. {@code settings} go to every node
     * after the cluster keys, so they may replace them.
     */
    static ChildCluster start(RunDirectory run, int nodeCount, Map<String, String> settings) throws IOException {
        return start(run, nodeCount, settings, Optional.empty());
    }

    /**
     * As {@link #start(RunDirectory, int, Map)}, and every node also binds a listener
     * {@value #REPLICATION_LISTENER} on a port of 127.0.0.1 of its own, made the inter-broker
     * listener (followers fetch over it) and advertised at the address {@code advertise} returns for
     * it; called once per node, before any node starts. Clients and the metadata quorum keep their
     * listeners.
     */
    static ChildCluster startWithReplicationListener(RunDirectory run, int nodeCount, Map<String, String> settings,
            ListenerAddress advertise) throws IOException {
        return start(run, nodeCount, settings, Optional.of(advertise));
    }

    private static ChildCluster start(RunDirectory run, int nodeCount, Map<String, String> settings,
            Optional<ListenerAddress> replication) throws IOException {
        String clusterId = Uuid.randomUuid().toString();
        List<Integer> ports = FreePorts.find(PORTS_PER_NODE * nodeCount);
        StringJoiner voters = new StringJoiner(",");
        for (int id = 1; id <= nodeCount; id++) {
            voters.add(id + "@127.0.0.1:" + controllerPort(ports, id));
        }
        Map<Integer, Map<String, String>> configs = new LinkedHashMap<>();
        for (int id = 1; id <= nodeCount; id++) {
            configs.put(id, nodeConfig(id, ports, voters.toString(), replication, settings));
        }
        Map<Integer, ChildBroker> nodes = new LinkedHashMap<>();
        try {
            for (int id = 1; id <= nodeCount; id++) {
                var dataDir = run.dataDir("node-" + id);
                DataDirectory.format(dataDir, clusterId, id, false, false);
                nodes.put(id, ChildBroker.launch(dataDir, run.logFile("node-" + id), clientPort(ports, id),
                        configs.get(id), NODE_JVM_ARGS));
            }
            nodes.values().forEach(ChildBroker::awaitStarted);
        } catch (RuntimeException e) {
            nodes.values().forEach(ChildBroker::close);
            throw e;
        }
        return new ChildCluster(clusterId, nodes);
    }

    /** The cluster keys of node {@code id}, then {@code settings}. */
    private static Map<String, String> nodeConfig(int id, List<Integer> ports, String voters,
            Optional<ListenerAddress> replication, Map<String, String> settings) {
        Map<String, String> config = new LinkedHashMap<>();
        config.put("node.id", Integer.toString(id));
        config.put("process.roles", "broker,controller");
        config.put("listeners", "PLAINTEXT://127.0.0.1:" + clientPort(ports, id)
                + ",CONTROLLER://127.0.0.1:" + controllerPort(ports, id));
        config.put("controller.listener.names", "CONTROLLER");
        config.put("controller.quorum.voters", voters);
        if (replication.isPresent()) {
            int port = replicationPort(ports, id);
            config.put("listeners", config.get("listeners") + "," + REPLICATION_LISTENER + "://127.0.0.1:" + port);
            config.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,"
                    + REPLICATION_LISTENER + ":PLAINTEXT");
            config.put("inter.broker.listener.name", REPLICATION_LISTENER);
            config.put("advertised.listeners", REPLICATION_LISTENER + "://"
                    + replication.get().advertised(id, port));
        }
        config.putAll(settings);
        return config;
    }

    private static int clientPort(List<Integer> ports, int id) {
        return ports.get(PORTS_PER_NODE * (id - 1));
    }

    private static int controllerPort(List<Integer> ports, int id) {
        return ports.get(PORTS_PER_NODE * (id - 1) + 1);
    }

    private static int replicationPort(List<Integer> ports, int id) {
        return ports.get(PORTS_PER_NODE * (id - 1) + 2);
    }

    String clusterId() {
        return clusterId;
    }

    /** Node ids, in order. */
    List<Integer> nodeIds() {
        return List.copyOf(nodes.keySet());
    }

    ChildBroker node(int id) {
        ChildBroker node = nodes.get(id);
        if (node == null) {
            throw new IllegalArgumentException("no node " + id + " in " + nodes.keySet());
        }
        return node;
    }

    /** The client addresses of every node, running or not. */
    String bootstrapServers() {
        StringJoiner joined = new StringJoiner(",");
        nodes.values().forEach(node -> joined.add(node.bootstrapServers()));
        return joined.toString();
    }

    /** Kills node {@code id} with SIGKILL and waits until it is gone. */
    void kill9(int id) {
        node(id).kill9();
    }

    /** Stops node {@code id} as an operator does (SIGTERM, then SIGKILL after 15 s); {@link #restart(int)} starts it again. */
    void stop(int id) {
        node(id).stop();
    }

    /** Freezes node {@code id} (SIGSTOP): it neither answers nor heartbeats until {@link #resume}. */
    void pause(int id) {
        node(id).pause();
    }

    /** Lets paused node {@code id} run again (SIGCONT). */
    void resume(int id) {
        node(id).resume();
    }

    /** Has every running node print its threads' stacks into its log: for a test that timed out waiting on the cluster. */
    void dumpThreads() {
        nodes.values().forEach(ChildBroker::dumpThreads);
    }

    /** Kills every node with SIGKILL at once (signals sent before any wait). */
    void kill9All() {
        List<Thread> killers = new ArrayList<>();
        nodes.forEach((id, node) -> {
            Thread killer = new Thread(node::kill9, "kill-node-" + id);
            killer.start();
            killers.add(killer);
        });
        for (Thread killer : killers) {
            try {
                killer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while killing the nodes", e);
            }
        }
    }

    /** Starts node {@code id} again on its ports and data; returns once it has printed its banner. */
    void restart(int id) {
        node(id).restart();
    }

    /** Starts node {@code id} again on its ports and data without waiting: see {@link #awaitStarted}. */
    void relaunch(int id) {
        node(id).relaunch();
    }

    /** Waits until node {@code id}'s current run has printed its start banner. */
    void awaitStarted(int id) {
        node(id).awaitStarted();
    }

    /** Starts the nodes {@code ids} again side by side; returns once each has printed its banner. */
    void restart(List<Integer> ids) {
        List<ChildBroker> starting = ids.stream().map(this::node).toList();
        starting.forEach(ChildBroker::relaunch);
        starting.forEach(ChildBroker::awaitStarted);
    }

    /** Throws if a node that should be running has exited on its own. */
    void requireAlive(int id) {
        node(id).requireAlive();
    }

    /**
     * Kills every node still running with SIGKILL: the tests using this class check what a crash
     * leaves, and a clean shutdown of the last nodes of a quorum would only add time.
     */
    @Override
    public void close() {
        kill9All();
    }
}
