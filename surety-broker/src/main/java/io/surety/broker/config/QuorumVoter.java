package io.surety.broker.config;

import org.apache.kafka.common.config.ConfigException;

/**
 * One entry of {@code controller.quorum.voters}: {@code id@host:port}, a node of the metadata
 * quorum and the address its quorum peer listens on (its CONTROLLER listener). An IPv6 host is
 * written in brackets. Immutable.
 *
 * @param nodeId the voter's {@code node.id}
 * @param host its quorum peer's host
 * @param port its quorum peer's port
 */
public record QuorumVoter(int nodeId, String host, int port) {

    /**
     * Parses one entry of {@code controller.quorum.voters}; throws {@link ConfigException} naming the
     * setting and the form expected.
     */
    static QuorumVoter parse(String entry) {
        String text = entry.trim();
        int at = text.indexOf('@');
        int colon = text.lastIndexOf(':');
        if (at <= 0 || colon <= at + 1) {
            throw malformed(entry);
        }
        int id;
        int port;
        try {
            id = Integer.parseInt(text.substring(0, at));
            port = Integer.parseInt(text.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw malformed(entry);
        }
        String host = text.substring(at + 1, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        if (id < 0 || port <= 0 || port > 65535 || host.isEmpty() || !host.matches("[0-9A-Za-z._%:-]+")) {
            throw malformed(entry);
        }
        return new QuorumVoter(id, host, port);
    }

    private static ConfigException malformed(String entry) {
        return new ConfigException(BrokerConfig.CONTROLLER_QUORUM_VOTERS, entry,
                "each voter is id@host:port with a fixed port, such as 1@10.0.0.1:9093");
    }

    /** {@code host:port}, the address peers and brokers reach this voter at. */
    public String address() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    @Override
    public String toString() {
        return nodeId + "@" + address();
    }
}
