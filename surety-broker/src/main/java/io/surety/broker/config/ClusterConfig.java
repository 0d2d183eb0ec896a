package io.surety.broker.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * Who this node is in its cluster, configured as an Apache Kafka KRaft node: its
 * {@code node.id}, {@code process.roles}, the metadata quorum ({@code controller.quorum.voters} or
 * {@code controller.quorum.bootstrap.servers}) and its named {@link Listeners}. Immutable.
 *
 * <p>The mode: {@link ClusterMode#SINGLE_NODE} when no quorum setting is given, when the voters are
 * exactly this node, or when the bootstrap servers are exactly this node's own controller listener
 * (Kafka's shipped {@code server.properties}, formatted {@code --standalone}); nothing of today's
 * single node changes then. {@link ClusterMode#CLUSTER} otherwise, and then the combination must be
 * one Kafka accepts, each refusal one line naming the problem and the fix:
 * <ul>
 *   <li>{@code process.roles} is {@code broker,controller} (either order), a combined node and a
 *       voter, or {@code broker}, a broker-only node that joins a running cluster; controller-only
 *       nodes are not supported;
 *   <li>{@code controller.quorum.voters} is set (a dynamic quorum from bootstrap servers alone is
 *       not supported) and names this {@code node.id} exactly when it is a combined node;
 *   <li>{@code controller.listener.names} names a listener in {@code listeners}; a voter's has the
 *       port of its voter entry, since that is where its quorum peer listens. Unlike Kafka, a
 *       broker-only node has one too: the quorum's leader sends it the metadata there (it is a
 *       non-voting Ratis member, where a Kafka broker fetches the metadata log itself);
 *   <li>the inter-broker listener is a broker listener of this node, not the controller listener;
 *   <li>nothing is advertised at {@code 0.0.0.0}.
 * </ul>
 *
 * @param mode single node or cluster, decided as above
 * @param nodeId {@code node.id}
 * @param processRoles {@code process.roles}, lower case; empty when unset
 * @param voters {@code controller.quorum.voters}, in the order given
 * @param bootstrapServers {@code controller.quorum.bootstrap.servers}, as {@code host:port}
 * @param listeners the named listeners
 */
public record ClusterConfig(
        ClusterMode mode,
        int nodeId,
        List<String> processRoles,
        List<QuorumVoter> voters,
        List<String> bootstrapServers,
        Listeners listeners) {

    private static final Set<String> COMBINED = Set.of("broker", "controller");
    private static final Set<String> BROKER_ONLY = Set.of("broker");
    private static final Set<String> LOOPBACK_NAMES = Set.of("localhost", "127.0.0.1", "::1");

    public ClusterConfig {
        Objects.requireNonNull(mode, "mode");
        processRoles = List.copyOf(processRoles);
        voters = List.copyOf(voters);
        bootstrapServers = List.copyOf(bootstrapServers);
        Objects.requireNonNull(listeners, "listeners");
    }

    static ClusterConfig from(ParsedSettings values, int nodeId) {
        List<String> roles = values.list(BrokerConfig.PROCESS_ROLES).stream()
                .map(role -> role.trim().toLowerCase(Locale.ROOT)).toList();
        List<QuorumVoter> voters = voters(values.list(BrokerConfig.CONTROLLER_QUORUM_VOTERS));
        List<String> bootstrap = bootstrapServers(values.list(BrokerConfig.CONTROLLER_QUORUM_BOOTSTRAP_SERVERS));
        Listeners listeners = Listeners.from(values);
        ClusterMode mode = mode(nodeId, voters, bootstrap, listeners);
        ClusterConfig config = new ClusterConfig(mode, nodeId, roles, voters, bootstrap, listeners);
        if (mode == ClusterMode.CLUSTER) {
            config.checkClusterNode();
        }
        return config;
    }

    private static List<QuorumVoter> voters(List<String> entries) {
        List<QuorumVoter> voters = new ArrayList<>();
        Set<Integer> ids = new HashSet<>();
        for (String entry : entries) {
            QuorumVoter voter = QuorumVoter.parse(entry);
            if (!ids.add(voter.nodeId())) {
                throw new ConfigException(BrokerConfig.CONTROLLER_QUORUM_VOTERS, String.join(",", entries),
                        "node " + voter.nodeId() + " is listed twice; list each voter once");
            }
            voters.add(voter);
        }
        return voters;
    }

    private static List<String> bootstrapServers(List<String> entries) {
        List<String> out = new ArrayList<>();
        for (String entry : entries) {
            String text = entry.trim();
            int colon = text.lastIndexOf(':');
            boolean valid = colon > 0 && text.substring(colon + 1).matches("[0-9]{1,5}")
                    && Integer.parseInt(text.substring(colon + 1)) > 0 && Integer.parseInt(text.substring(colon + 1)) <= 65535;
            if (!valid) {
                throw new ConfigException(BrokerConfig.CONTROLLER_QUORUM_BOOTSTRAP_SERVERS, entry,
                        "each entry is host:port, such as localhost:9093");
            }
            out.add(text);
        }
        return out;
    }

    private static ClusterMode mode(int nodeId, List<QuorumVoter> voters, List<String> bootstrap, Listeners listeners) {
        if (!voters.isEmpty()) {
            return voters.size() == 1 && voters.get(0).nodeId() == nodeId ? ClusterMode.SINGLE_NODE : ClusterMode.CLUSTER;
        }
        if (bootstrap.isEmpty()) {
            return ClusterMode.SINGLE_NODE;
        }
        return bootstrap.size() == 1 && isOwnControllerAddress(bootstrap.get(0), listeners)
                ? ClusterMode.SINGLE_NODE : ClusterMode.CLUSTER;
    }

    /** Whether {@code address} (host:port) is this node's controller listener, judged without name lookups. */
    private static boolean isOwnControllerAddress(String address, Listeners listeners) {
        Optional<ListenerEndpoint> bound = listeners.controllerListener();
        if (bound.isEmpty()) {
            return false;
        }
        int colon = address.lastIndexOf(':');
        String host = address.substring(0, colon).replace("[", "").replace("]", "");
        int port = Integer.parseInt(address.substring(colon + 1));
        Optional<ListenerEndpoint> advertised = listeners.advertisedFor(bound.get().name());
        boolean samePort = port == bound.get().port() || advertised.map(a -> a.port() == port).orElse(false);
        boolean sameHost = LOOPBACK_NAMES.contains(host.toLowerCase(Locale.ROOT)) || host.equals(bound.get().host())
                || advertised.map(a -> a.host().equals(host)).orElse(false);
        return samePort && sameHost;
    }

    private void checkClusterNode() {
        Set<String> roles = new HashSet<>(processRoles);
        if (!(processRoles.size() == roles.size() && (roles.equals(COMBINED) || roles.equals(BROKER_ONLY)))) {
            throw new ConfigException("process.roles=" + String.join(",", processRoles) + ": a cluster node is either "
                    + "broker,controller (a voter of the quorum) or broker (a broker joining a running cluster); "
                    + "set process.roles=broker,controller or process.roles=broker");
        }
        if (voters.isEmpty()) {
            throw new ConfigException(BrokerConfig.CONTROLLER_QUORUM_BOOTSTRAP_SERVERS + "="
                    + String.join(",", bootstrapServers) + " without " + BrokerConfig.CONTROLLER_QUORUM_VOTERS
                    + ": a dynamic quorum is not supported; list every node in " + BrokerConfig.CONTROLLER_QUORUM_VOTERS
                    + "=id@host:port,...");
        }
        if (roles.equals(BROKER_ONLY)) {
            checkBrokerOnlyNode();
            return;
        }
        QuorumVoter self = ownVoter().orElseThrow(() -> new ConfigException(BrokerConfig.CONTROLLER_QUORUM_VOTERS
                + "=" + votersText() + " does not name this node (node.id=" + nodeId + "); a broker,controller node is "
                + "a voter: add " + nodeId + "@host:port, or fix node.id, or set process.roles=broker for a broker "
                + "that joins the cluster without a vote"));
        if (listeners.controllerNames().isEmpty()) {
            throw new ConfigException(BrokerConfig.CONTROLLER_LISTENER_NAMES + " is not set; name the listener the "
                    + "quorum uses (controller.listener.names=CONTROLLER) and add CONTROLLER://" + self.address()
                    + " to listeners");
        }
        for (String name : listeners.controllerNames()) {
            if (listeners.bound().stream().noneMatch(endpoint -> endpoint.name().equals(name))) {
                throw new ConfigException("controller listener " + name + " is not in listeners="
                        + listenersText() + "; add " + name + "://" + self.address() + " (this node's entry in "
                        + BrokerConfig.CONTROLLER_QUORUM_VOTERS + ")");
            }
        }
        ListenerEndpoint controller = listeners.controllerListener().orElseThrow();
        if (controller.port() != self.port()) {
            throw new ConfigException("listener " + controller + " has port " + controller.port() + " but this node's "
                    + "voter entry " + self + " in " + BrokerConfig.CONTROLLER_QUORUM_VOTERS + " has port " + self.port()
                    + "; make them the same, since the quorum reaches this node there");
        }
        checkInterBrokerListener();
        checkAdvertisedAddresses();
    }

    /** A broker-only node: not a voter, with a controller listener of its own (see the class comment). */
    private void checkBrokerOnlyNode() {
        if (ownVoter().isPresent()) {
            throw new ConfigException("process.roles=broker but " + BrokerConfig.CONTROLLER_QUORUM_VOTERS + "="
                    + votersText() + " names this node (node.id=" + nodeId + "); a voter runs the controller: set "
                    + "process.roles=broker,controller, or remove node " + nodeId + " from the voters");
        }
        List<String> names = listeners.controllerNames();
        if (names.isEmpty() || listeners.controllerListener().isEmpty()) {
            throw new ConfigException("process.roles=broker: a Surety broker-only node receives the cluster's "
                    + "metadata on a controller listener of its own (listeners=" + listenersText() + "); set "
                    + BrokerConfig.CONTROLLER_LISTENER_NAMES + "=CONTROLLER and add CONTROLLER://host:port to "
                    + BrokerConfig.LISTENERS);
        }
        checkInterBrokerListener();
        checkAdvertisedAddresses();
    }

    private void checkAdvertisedAddresses() {
        for (ListenerEndpoint endpoint : listeners.advertised()) {
            if (ListenerEndpoint.ALL_INTERFACES.equals(endpoint.host())) {
                throw new ConfigException(BrokerConfig.ADVERTISED_LISTENERS, endpoint.toString(), "0.0.0.0 is not an "
                        + "address others can reach; advertise this node's host name or IP address");
            }
        }
    }

    private void checkInterBrokerListener() {
        String name = listeners.interBrokerName();
        if (listeners.controllerNames().contains(name)) {
            throw new ConfigException(BrokerConfig.INTER_BROKER_LISTENER_NAME + "=" + name + " names the controller "
                    + "listener; brokers replicate over a broker listener: set " + BrokerConfig.INTER_BROKER_LISTENER_NAME
                    + " to one of " + brokerListenerNames());
        }
        if (listeners.isSasl(name)) {
            throw new ConfigException(BrokerConfig.INTER_BROKER_LISTENER_NAME + "=" + name + " takes "
                    + listeners.securityProtocol(name) + ", but brokers do not replicate over SASL yet: set "
                    + BrokerConfig.INTER_BROKER_LISTENER_NAME + " to a PLAINTEXT or SSL listener");
        }
        if (listeners.interBrokerListener().isEmpty()) {
            throw new ConfigException(BrokerConfig.INTER_BROKER_LISTENER_NAME + "=" + name + " is not a listener of "
                    + "this node (listeners=" + listenersText() + "); set " + BrokerConfig.INTER_BROKER_LISTENER_NAME
                    + " to one of " + brokerListenerNames());
        }
    }

    private String votersText() {
        return String.join(",", voters.stream().map(QuorumVoter::toString).toList());
    }

    private String listenersText() {
        return String.join(",", listeners.bound().stream().map(ListenerEndpoint::toString).toList());
    }

    private String brokerListenerNames() {
        return String.join(", ", listeners.brokerListeners().stream().map(ListenerEndpoint::name).toList());
    }

    /** This node's entry in {@code controller.quorum.voters}, if it has one. */
    public Optional<QuorumVoter> ownVoter() {
        return voters.stream().filter(voter -> voter.nodeId() == nodeId).findFirst();
    }

    /** Whether this node votes in the quorum: a combined node, or a single node. */
    public boolean isVoter() {
        return mode == ClusterMode.SINGLE_NODE || ownVoter().isPresent();
    }

    /** Whether this node is one node of a cluster (a voter among several, or a broker-only node). */
    public boolean isCluster() {
        return mode == ClusterMode.CLUSTER;
    }

    /** Where this node's quorum peer listens (its controller listener as bound), if it has one. */
    public Optional<ListenerEndpoint> controllerListener() {
        return listeners.controllerListener();
    }

    /** The address other nodes reach this node's quorum peer at, if it has a controller listener. */
    public Optional<ListenerEndpoint> advertisedControllerListener() {
        return listeners.controllerListener().flatMap(endpoint -> listeners.advertisedFor(endpoint.name()));
    }

    /** The listener followers fetch from this node on, as advertised to the other brokers. */
    public Optional<ListenerEndpoint> advertisedInterBrokerListener() {
        return listeners.interBrokerListener().flatMap(endpoint -> listeners.advertisedFor(endpoint.name()));
    }

    /** Settings that are accepted but change nothing in this mode, one WARN line each. */
    List<String> ignoredInThisMode() {
        List<String> out = new ArrayList<>();
        if (mode == ClusterMode.SINGLE_NODE && !processRoles.isEmpty() && !new HashSet<>(processRoles).equals(COMBINED)) {
            out.add("'" + BrokerConfig.PROCESS_ROLES + "'=" + String.join(",", processRoles) + " has no effect on a "
                    + "single node, which is always broker and controller");
        }
        return out;
    }
}
