package io.surety.broker.config;

import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;

/**
 * The network settings: where the broker serves clients, the address clients are given, the
 * largest request frame, and the thread counts of the event loops and the request handlers.
 * Immutable. The named listeners behind them (controller, inter-broker) are in {@link ClusterConfig}.
 *
 * @param listener the client listener of {@code listeners} (see {@link Listeners#clientListener()}),
 *     with the host to bind: every interface for an empty host (port 0 picks a free port)
 * @param advertisedListener its address in {@code advertised.listeners}, else in {@code listeners};
 *     an empty host is advertised as this machine's canonical host name, as Kafka does
 * @param socketRequestMaxBytes {@code socket.request.max.bytes}: largest request frame
 * @param ioThreads {@code num.io.threads}: threads that run request handlers
 * @param networkThreads {@code num.network.threads}: network event-loop threads
 */
public record NetworkConfig(
        Listener listener,
        Listener advertisedListener,
        int socketRequestMaxBytes,
        int ioThreads,
        int networkThreads) {

    public NetworkConfig {
        Objects.requireNonNull(listener, "listener");
        Objects.requireNonNull(advertisedListener, "advertisedListener");
    }

    static NetworkConfig from(ParsedSettings values, ClusterConfig cluster) {
        Listeners listeners = cluster.listeners();
        ListenerEndpoint client = listeners.clientListener();
        if (!cluster.isCluster() && listeners.brokerListeners().size() > 1) {
            throw new ConfigException(BrokerConfig.LISTENERS, String.join(",", values.list(BrokerConfig.LISTENERS)),
                    "exactly one broker listener is supported on a single node (several need cluster mode, with "
                            + BrokerConfig.CONTROLLER_QUORUM_VOTERS + ")");
        }
        ListenerEndpoint advertised = listeners.advertisedFor(client.name()).orElseThrow();
        return new NetworkConfig(new Listener(client.bindHost(), client.port()),
                new Listener(advertised.host(), advertised.port()),
                values.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
                values.intValue(BrokerConfig.NUM_IO_THREADS),
                values.intValue(BrokerConfig.NUM_NETWORK_THREADS));
    }

    /** A listener's host and port. */
    public record Listener(String host, int port) {
        @Override
        public String toString() {
            return host + ":" + port;
        }
    }
}
