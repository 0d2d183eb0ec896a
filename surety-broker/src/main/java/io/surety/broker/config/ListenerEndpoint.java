package io.surety.broker.config;

import java.util.Locale;
import java.util.Objects;
import org.apache.kafka.common.config.ConfigException;

/**
 * One entry of {@code listeners} or {@code advertised.listeners}: {@code NAME://host:port}, as
 * Kafka writes them. The name is upper-cased, as Kafka normalises listener names. An empty host
 * ({@code PLAINTEXT://:9092}) means every interface when binding, and the machine's canonical host
 * name when advertised; an IPv6 address is written in brackets. Immutable.
 *
 * @param name the listener name ({@code PLAINTEXT}, {@code CONTROLLER}, ...), upper case
 * @param host the host, or "" for every interface
 * @param port the port; 0 picks a free port when bound
 */
public record ListenerEndpoint(String name, String host, int port) {

    /** The address a server binds to for an empty host: every IPv4 interface, as Kafka binds. */
    static final String ALL_INTERFACES = "0.0.0.0";

    public ListenerEndpoint {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(host, "host");
    }

    /**
     * Parses {@code entry} of setting {@code key}; throws {@link ConfigException} naming the key and
     * the form expected when it is not {@code NAME://host:port}.
     */
    static ListenerEndpoint parse(String key, String entry) {
        String text = entry.trim();
        int scheme = text.indexOf("://");
        int colon = text.lastIndexOf(':');
        if (scheme <= 0 || colon <= scheme + 2) {
            throw malformed(key, entry);
        }
        String name = text.substring(0, scheme);
        if (!name.matches("[A-Za-z0-9_-]+")) {
            throw malformed(key, entry);
        }
        String host = text.substring(scheme + 3, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        } else if (host.contains(":") || host.contains("/")) {
            throw malformed(key, entry);
        }
        if (!host.matches("[0-9A-Za-z._%:-]*")) {
            throw malformed(key, entry);
        }
        int port;
        try {
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw malformed(key, entry);
        }
        if (port < 0 || port > 65535) {
            throw new ConfigException(key, entry, "the port must be between 0 and 65535");
        }
        return new ListenerEndpoint(name.toUpperCase(Locale.ROOT), host, port);
    }

    private static ConfigException malformed(String key, String entry) {
        return new ConfigException(key, entry, "expected NAME://host:port, such as PLAINTEXT://127.0.0.1:9092");
    }

    /** The host to bind: {@link #host()}, or every interface when it is empty. */
    public String bindHost() {
        return host.isEmpty() ? ALL_INTERFACES : host;
    }

    /** The same endpoint with {@code host} in place of this one's. */
    ListenerEndpoint withHost(String newHost) {
        return new ListenerEndpoint(name, newHost, port);
    }

    @Override
    public String toString() {
        return name + "://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
}
