package io.surety.broker.config;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * The network settings: where the broker serves clients, the address clients are given, every
 * broker listener it serves, the largest request frame, and the thread counts of the event loops
 * and the request handlers. Immutable. The named listeners behind them (controller, inter-broker)
 * are in {@link ClusterConfig}.
 *
 * <p>A single node serves exactly one broker listener, the client one. A cluster node serves every
 * broker listener (every entry of {@code listeners} that is not a controller listener), each on its
 * own port, as a Kafka broker does: typically one for clients and one for replication.
 *
 * @param listener the client listener of {@code listeners} (see {@link Listeners#clientListener()}),
 *     with the host to bind: every interface for an empty host (port 0 picks a free port)
 * @param advertisedListener its address in {@code advertised.listeners}, else in {@code listeners};
 *     an empty host is advertised as this machine's canonical host name, as Kafka does
 * @param clientListenerName the client listener's name
 * @param brokerListeners every broker listener, in the order of {@code listeners}, the client one
 *     among them
 * @param socketRequestMaxBytes {@code socket.request.max.bytes}: largest request frame
 * @param ioThreads {@code num.io.threads}: threads that run request handlers
 * @param networkThreads {@code num.network.threads}: network event-loop threads
 * @param connectionsMaxIdleMs {@code connections.max.idle.ms}: a connection idle this long is closed
 */
public record NetworkConfig(
        Listener listener,
        Listener advertisedListener,
        String clientListenerName,
        List<BrokerListener> brokerListeners,
        int socketRequestMaxBytes,
        int ioThreads,
        int networkThreads,
        long connectionsMaxIdleMs) {

    public NetworkConfig {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(advertisedListener, "advertisedListener");
        Objects.requireNonNull(clientListenerName, "clientListenerName");
        brokerListeners = List.copyOf(brokerListeners);
        if (brokerListeners.stream().noneMatch(l -> l.name().equals(clientListenerName))) {
            throw new IllegalArgumentException("the client listener " + clientListenerName + " is not among "
                    + brokerListeners);
        }
    }

    static NetworkConfig from(ParsedSettings values, ClusterConfig cluster, Map<String, String> originals) {
        Listeners listeners = cluster.listeners();
        ListenerEndpoint client = listeners.clientListener();
        if (!cluster.isCluster() && listeners.brokerListeners().size() > 1) {
            throw new ConfigException(BrokerConfig.LISTENERS, String.join(",", values.list(BrokerConfig.LISTENERS)),
                    "exactly one broker listener is supported on a single node (several need cluster mode, with "
                            + BrokerConfig.CONTROLLER_QUORUM_VOTERS + ")");
        }
        for (ListenerEndpoint endpoint : listeners.brokerListeners()) {
            if (listeners.isTls(endpoint.name()) && !hasKeystore(originals, endpoint.name())) {
                throw new ConfigException(BrokerConfig.LISTENERS, endpoint.toString(), "listener " + endpoint.name()
                        + " takes TLS but has no keystore: set ssl.keystore.location and ssl.keystore.password (or "
                        + "their listener.name." + endpoint.name().toLowerCase(Locale.ROOT) + ". forms), or the PEM "
                        + "ssl.keystore.certificate.chain and ssl.keystore.key");
            }
        }
        List<BrokerListener> brokers = listeners.brokerListeners().stream().map(bound -> {
            ListenerEndpoint advertised = listeners.advertisedFor(bound.name()).orElseThrow();
            return new BrokerListener(bound.name(), new Listener(bound.bindHost(), bound.port()),
                    new Listener(advertised.host(), advertised.port()),
                    listeners.isTls(bound.name()) ? TlsConfig.forListener(originals, bound.name()) : Map.of(),
                    listeners.isSasl(bound.name()) ? Optional.of(SaslConfig.forListener(originals, bound.name()))
                            : Optional.empty());
        }).toList();
        BrokerListener clientListener = brokers.stream().filter(l -> l.name().equals(client.name())).findFirst()
                .orElseThrow();
        return new NetworkConfig(clientListener.bound(), clientListener.advertised(), client.name(), brokers,
                values.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
                values.intValue(BrokerConfig.NUM_IO_THREADS),
                values.intValue(BrokerConfig.NUM_NETWORK_THREADS),
                values.longValue(BrokerConfig.CONNECTIONS_MAX_IDLE_MS));
    }

    private static boolean hasKeystore(Map<String, String> originals, String listenerName) {
        String prefix = "listener.name." + listenerName.toLowerCase(Locale.ROOT) + ".";
        return java.util.stream.Stream.of("ssl.keystore.location", "ssl.keystore.key")
                .anyMatch(key -> originals.containsKey(key) || originals.containsKey(prefix + key));
    }

    /**
     * One broker listener.
     *
     * @param name its name, upper case
     * @param bound the host and port to bind (every interface for an empty host; port 0 picks one)
     * @param advertised where others are told to reach it: its {@code advertised.listeners} entry,
     *     else its {@code listeners} one (port 0 there means the port it binds)
     * @param tls for an SSL or SASL_SSL listener its TLS settings as Kafka parses them
     *     ({@link TlsConfig}); empty for a PLAINTEXT or SASL_PLAINTEXT one
     * @param sasl for a SASL_PLAINTEXT or SASL_SSL listener its SASL settings ({@link SaslConfig})
     */
    public record BrokerListener(String name, Listener bound, Listener advertised, Map<String, Object> tls,
            Optional<SaslConfig.ListenerSasl> sasl) {
        public BrokerListener {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(bound, "bound");
            Objects.requireNonNull(advertised, "advertised");
            Objects.requireNonNull(tls, "tls");
            Objects.requireNonNull(sasl, "sasl");
        }

        /** Whether the listener takes TLS. */
        public boolean isTls() {
            return !tls.isEmpty();
        }
    }

    /** A listener's host and port. */
    public record Listener(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
