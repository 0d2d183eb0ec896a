package io.surety.compat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.RangeAssignor;

/**
 * How a group member joins: the group protocol ({@code classic} or {@code consumer}) and its
 * assignor (a client-side class for {@code classic}, a server-side name for {@code consumer}).
 * Shared by consumers in the test JVM and in child JVMs, which get it as program arguments.
 *
 * <p>Group timing is spelled out for both protocols: the classic protocol takes the session
 * timeout and heartbeat interval from the client; the consumer protocol from the broker, which the
 * tests start with {@link #brokerConfig}. Immutable.
 *
 * @param bootstrapServers {@code host:port} of the broker
 * @param topic the topic subscribed to
 * @param groupId the group
 * @param protocol {@code classic} or {@code consumer}
 * @param assignor {@code range} or {@code cooperative-sticky} (classic); {@code uniform} or
 *     {@code range} (consumer)
 */
record GroupSettings(String bootstrapServers, String topic, String groupId, String protocol, String assignor) {

    static final String CLASSIC = "classic";
    static final String CONSUMER = "consumer";
    static final int SESSION_TIMEOUT_MS = 6_000;
    static final int HEARTBEAT_INTERVAL_MS = 500;
    private static final int MAX_POLL_RECORDS = 50;

    GroupSettings {
        if (!protocol.equals(CLASSIC) && !protocol.equals(CONSUMER)) {
            throw new IllegalArgumentException("unknown group protocol " + protocol);
        }
    }

    /** Parses what {@link #args} produced, from {@code args[offset]} on. */
    static GroupSettings fromArgs(String[] args, int offset) {
        return new GroupSettings(args[offset], args[offset + 1], args[offset + 2], args[offset + 3], args[offset + 4]);
    }

    /** This value as five program arguments. */
    List<String> args() {
        return List.of(bootstrapServers, topic, groupId, protocol, assignor);
    }

    /**
     * Broker settings that give consumer-protocol members the same session timeout and heartbeat
     * interval as classic members, and start classic groups without the initial rebalance delay.
     */
    static ChildBrokerExtension brokerConfig(ChildBrokerExtension broker) {
        return broker.config("group.initial.rebalance.delay.ms", "0")
                .config("group.consumer.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS))
                .config("group.consumer.min.session.timeout.ms", String.valueOf(SESSION_TIMEOUT_MS))
                .config("group.consumer.heartbeat.interval.ms", String.valueOf(HEARTBEAT_INTERVAL_MS))
                .config("group.consumer.min.heartbeat.interval.ms", String.valueOf(HEARTBEAT_INTERVAL_MS));
    }

    /** A consumer of this group, not yet subscribed, committing only when told to. */
    KafkaConsumer<byte[], byte[]> newConsumer() {
        return Clients.consumer(bootstrapServers, consumerConfig());
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, protocol);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, MAX_POLL_RECORDS);
        if (protocol.equals(CLASSIC)) {
            config.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, SESSION_TIMEOUT_MS);
            config.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
            config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, switch (assignor) {
                case "range" -> RangeAssignor.class.getName();
                case "cooperative-sticky" -> CooperativeStickyAssignor.class.getName();
                default -> throw new IllegalArgumentException("unknown classic assignor " + assignor);
            });
        } else {
            config.put(ConsumerConfig.GROUP_REMOTE_ASSIGNOR_CONFIG, assignor);
        }
        return config;
    }
}
