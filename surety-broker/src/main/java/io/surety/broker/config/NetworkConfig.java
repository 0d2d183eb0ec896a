package io.surety.broker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;

/**
 * The network settings: where the broker listens, the address clients are given, the largest
 * request frame, and the thread counts of the event loops and the request handlers. Immutable.
 *
 * @param listener {@code listeners}: the one PLAINTEXT listener (port 0 picks a free port)
 * @param advertisedListener {@code advertised.listeners}: the address given in Metadata; the listener when unset
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

    static NetworkConfig from(ParsedSettings values) {
        Listener listener = singleListener(BrokerConfig.LISTENERS, values.list(BrokerConfig.LISTENERS));
        List<String> advertised = values.list(BrokerConfig.ADVERTISED_LISTENERS);
        return new NetworkConfig(listener,
                advertised.isEmpty() ? listener : singleListener(BrokerConfig.ADVERTISED_LISTENERS, advertised),
                values.intValue(BrokerConfig.SOCKET_REQUEST_MAX_BYTES),
                values.intValue(BrokerConfig.NUM_IO_THREADS),
                values.intValue(BrokerConfig.NUM_NETWORK_THREADS));
    }

    private static Listener singleListener(String key, List<String> entries) {
        if (entries.size() != 1) {
            throw new ConfigException(key, String.join(",", entries), "exactly one PLAINTEXT listener is supported");
        }
        String entry = entries.get(0);
        try {
            URI uri = new URI(entry.trim());
            if (!"PLAINTEXT".equalsIgnoreCase(uri.getScheme())) {
                throw new ConfigException(key, entry, "only PLAINTEXT listeners are supported");
            }
            if (uri.getHost() == null || uri.getPort() < 0 || uri.getPort() > 65535) {
                throw new ConfigException(key, entry, "expected PLAINTEXT://host:port");
            }
            return new Listener(uri.getHost(), uri.getPort());
        } catch (URISyntaxException e) {
            throw new ConfigException(key, entry, "expected PLAINTEXT://host:port");
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
