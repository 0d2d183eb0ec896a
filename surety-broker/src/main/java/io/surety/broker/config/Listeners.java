package io.surety.broker.config;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.common.config.ConfigException;

/**
 * The named listeners of a node, as Kafka configures them: {@code listeners},
 * {@code advertised.listeners}, {@code listener.security.protocol.map},
 * {@code controller.listener.names} and {@code inter.broker.listener.name}. Immutable.
 *
 * <p>Which listener does what:
 * <ul>
 *   <li>controller listeners: those named in {@code controller.listener.names}; the first is where
 *       this node's quorum peer listens. The broker serves nothing on them.
 *   <li>broker listeners: every other listener. A cluster node serves every one, each on its own
 *       port; a single node has exactly one.
 *   <li>inter-broker listener: {@code inter.broker.listener.name}, by default the listener named
 *       {@code PLAINTEXT} (Kafka's default, from {@code security.inter.broker.protocol=PLAINTEXT}).
 *   <li>client listener: the listener a single node serves, and the one a cluster node's
 *       in-process API hands out as its bootstrap address: the first broker listener that is not
 *       the inter-broker one, or the inter-broker one when it is the only broker listener. So
 *       {@code PLAINTEXT} for clients and {@code REPLICATION} between brokers can be listed in either
 *       order. (Responses name brokers on whichever listener the request came in on.)
 * </ul>
 *
 * <p>Implementation notes: the security protocol of a listener comes from the map. Left unset, the
 * map is Kafka's default (a listener named after a protocol uses it) plus PLAINTEXT for the
 * controller listeners, as Kafka adds when no TLS or SASL is in use; set explicitly, it must name
 * every listener, CONTROLLER included, as Kafka requires. PLAINTEXT, SSL, SASL_PLAINTEXT and
 * SASL_SSL are served; the quorum's listener takes PLAINTEXT only, for now.
 *
 * @param bound {@code listeners}, in order
 * @param advertised {@code advertised.listeners}, or {@code bound} when unset
 * @param securityProtocols listener name to security protocol, in force
 * @param controllerNames {@code controller.listener.names}, upper case
 * @param interBrokerName the inter-broker listener's name
 */
public record Listeners(
        List<ListenerEndpoint> bound,
        List<ListenerEndpoint> advertised,
        Map<String, String> securityProtocols,
        List<String> controllerNames,
        String interBrokerName) {

    static final String DEFAULT_INTER_BROKER_NAME = "PLAINTEXT";
    private static final String PLAINTEXT = "PLAINTEXT";
    private static final String SSL = "SSL";
    private static final String SASL_SSL = "SASL_SSL";
    private static final Set<String> PROTOCOLS = Set.of(PLAINTEXT, "SSL", "SASL_PLAINTEXT", "SASL_SSL");

    public Listeners {
        bound = List.copyOf(bound);
        advertised = List.copyOf(advertised);
        securityProtocols = Map.copyOf(securityProtocols);
        controllerNames = List.copyOf(controllerNames);
    }

    static Listeners from(ParsedSettings values) {
        List<ListenerEndpoint> bound = parseAll(BrokerConfig.LISTENERS, values.list(BrokerConfig.LISTENERS));
        if (bound.isEmpty()) {
            throw new ConfigException(BrokerConfig.LISTENERS, "", "give at least one listener, such as "
                    + "PLAINTEXT://127.0.0.1:9092");
        }
        requireDistinctNames(BrokerConfig.LISTENERS, bound);
        List<String> advertisedEntries = values.list(BrokerConfig.ADVERTISED_LISTENERS);
        List<ListenerEndpoint> advertised = advertisedEntries.isEmpty() ? bound
                : parseAll(BrokerConfig.ADVERTISED_LISTENERS, advertisedEntries);
        requireDistinctNames(BrokerConfig.ADVERTISED_LISTENERS, advertised);
        List<String> controllerNames = values.list(BrokerConfig.CONTROLLER_LISTENER_NAMES).stream()
                .map(name -> name.trim().toUpperCase(Locale.ROOT)).toList();
        Map<String, String> protocols = protocols(values.string(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP),
                controllerNames);
        Listeners listeners = new Listeners(bound, advertised, protocols, controllerNames, interBrokerName(values));
        listeners.checkProtocols(BrokerConfig.ADVERTISED_LISTENERS, advertised);
        listeners.checkProtocols(BrokerConfig.LISTENERS, bound);
        listeners.checkAdvertisedNamesAreBound();
        if (listeners.brokerListeners().isEmpty()) {
            throw new ConfigException(BrokerConfig.LISTENERS, String.join(",", values.list(BrokerConfig.LISTENERS)),
                    "every listener is a controller listener; add one for clients, such as PLAINTEXT://127.0.0.1:9092");
        }
        return listeners;
    }

    /**
     * {@code inter.broker.listener.name}, or the listener named after {@code security.inter.broker.protocol}
     * (Kafka's older key), or PLAINTEXT; Kafka refuses both keys at once, and so does this.
     */
    private static String interBrokerName(ParsedSettings values) {
        String name = values.string(BrokerConfig.INTER_BROKER_LISTENER_NAME);
        String protocol = values.string(BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL);
        if (name != null && protocol != null) {
            throw new ConfigException(BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL, protocol, "only one of "
                    + BrokerConfig.INTER_BROKER_LISTENER_NAME + " and " + BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL
                    + " may be set, as in Kafka; keep " + BrokerConfig.INTER_BROKER_LISTENER_NAME);
        }
        if (protocol != null) {
            String upper = protocol.trim().toUpperCase(Locale.ROOT);
            if (!PROTOCOLS.contains(upper)) {
                throw new ConfigException(BrokerConfig.SECURITY_INTER_BROKER_PROTOCOL, protocol, "unknown security "
                        + "protocol; Kafka's are " + String.join(", ", PROTOCOLS.stream().sorted().toList()));
            }
            return upper;
        }
        return name == null ? DEFAULT_INTER_BROKER_NAME : name.trim().toUpperCase(Locale.ROOT);
    }

    private static List<ListenerEndpoint> parseAll(String key, List<String> entries) {
        List<ListenerEndpoint> out = new ArrayList<>();
        for (String entry : entries) {
            out.add(ListenerEndpoint.parse(key, entry));
        }
        return out;
    }

    private static void requireDistinctNames(String key, List<ListenerEndpoint> endpoints) {
        Set<String> seen = new HashSet<>();
        for (ListenerEndpoint endpoint : endpoints) {
            if (!seen.add(endpoint.name())) {
                throw new ConfigException(key, endpoints.stream().map(ListenerEndpoint::toString).toList().toString(),
                        "listener " + endpoint.name() + " is named twice; each listener needs its own name");
            }
        }
    }

    /** The map in force: as given, or Kafka's default plus PLAINTEXT for the controller listeners. */
    private static Map<String, String> protocols(String explicit, List<String> controllerNames) {
        Map<String, String> map = new LinkedHashMap<>();
        if (explicit == null) {
            for (String protocol : PROTOCOLS) {
                map.put(protocol, protocol);
            }
            if (controllerNames.stream().noneMatch(name -> PROTOCOLS.contains(name) && !PLAINTEXT.equals(name))) {
                controllerNames.forEach(name -> map.putIfAbsent(name, PLAINTEXT));
            }
            return map;
        }
        for (String pair : explicit.split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int colon = pair.indexOf(':');
            if (colon <= 0) {
                throw new ConfigException(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, explicit,
                        "expected NAME:PROTOCOL pairs, such as PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
            }
            String protocol = pair.substring(colon + 1).trim().toUpperCase(Locale.ROOT);
            if (!PROTOCOLS.contains(protocol)) {
                throw new ConfigException(BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP, explicit,
                        "unknown security protocol " + protocol + "; Kafka's are " + String.join(", ", PROTOCOLS.stream()
                                .sorted().toList()));
            }
            map.put(pair.substring(0, colon).trim().toUpperCase(Locale.ROOT), protocol);
        }
        return map;
    }

    private void checkProtocols(String key, List<ListenerEndpoint> endpoints) {
        for (ListenerEndpoint endpoint : endpoints) {
            String protocol = securityProtocols.get(endpoint.name());
            if (protocol == null) {
                throw new ConfigException(key, endpoint.toString(), "listener " + endpoint.name() + " has no security "
                        + "protocol; map it in " + BrokerConfig.LISTENER_SECURITY_PROTOCOL_MAP + " (such as "
                        + endpoint.name() + ":PLAINTEXT)" + (controllerNames.contains(endpoint.name()) ? ""
                        : " or, if it is the quorum's listener, name it in " + BrokerConfig.CONTROLLER_LISTENER_NAMES));
            }
            if (!PLAINTEXT.equals(protocol) && !"SSL".equals(protocol) && controllerNames.contains(endpoint.name())) {
                throw new ConfigException(key, endpoint.toString(), "listener " + endpoint.name() + " is the quorum's "
                        + "listener, which does not take SASL yet; map it to SSL (mutual TLS between the quorum's "
                        + "members) or PLAINTEXT");
            }
        }
    }

    private void checkAdvertisedNamesAreBound() {
        Set<String> names = new HashSet<>(bound.stream().map(ListenerEndpoint::name).toList());
        for (ListenerEndpoint endpoint : advertised) {
            if (!names.contains(endpoint.name())) {
                throw new ConfigException(BrokerConfig.ADVERTISED_LISTENERS, endpoint.toString(), "listener "
                        + endpoint.name() + " is not in " + BrokerConfig.LISTENERS + "; advertise only listeners this "
                        + "node has");
            }
        }
    }

    /** The listeners that are not controller listeners, in order: what the broker serves. */
    public List<ListenerEndpoint> brokerListeners() {
        return bound.stream().filter(endpoint -> !controllerNames.contains(endpoint.name())).toList();
    }

    /** The security protocol of listener {@code name}, as the map in force says. */
    public String securityProtocol(String name) {
        return securityProtocols.getOrDefault(name, PLAINTEXT);
    }

    /** Whether listener {@code name} takes TLS (SSL or SASL_SSL). */
    public boolean isTls(String name) {
        String protocol = securityProtocol(name);
        return SSL.equals(protocol) || SASL_SSL.equals(protocol);
    }

    /** Whether listener {@code name} takes SASL (SASL_PLAINTEXT or SASL_SSL). */
    public boolean isSasl(String name) {
        return securityProtocol(name).startsWith("SASL_");
    }

    /** The listener clients use (see the class comment). */
    public ListenerEndpoint clientListener() {
        List<ListenerEndpoint> brokers = brokerListeners();
        return brokers.stream().filter(endpoint -> !endpoint.name().equals(interBrokerName)).findFirst()
                .orElse(brokers.get(0));
    }

    /** Where this node's quorum peer listens: the first controller listener, if {@code listeners} has it. */
    public Optional<ListenerEndpoint> controllerListener() {
        return controllerNames.isEmpty() ? Optional.empty() : named(bound, controllerNames.get(0));
    }

    /** The inter-broker listener, if {@code listeners} has it. */
    public Optional<ListenerEndpoint> interBrokerListener() {
        return named(bound, interBrokerName);
    }

    /**
     * The address listener {@code name} is advertised at: its {@code advertised.listeners} entry, or
     * its {@code listeners} entry; an empty host becomes this machine's canonical host name, as Kafka
     * advertises it. Empty if neither has the name.
     */
    public Optional<ListenerEndpoint> advertisedFor(String name) {
        Optional<ListenerEndpoint> entry = named(advertised, name).or(() -> named(bound, name));
        return entry.map(endpoint -> endpoint.host().isEmpty() ? endpoint.withHost(canonicalHostName()) : endpoint);
    }

    private static Optional<ListenerEndpoint> named(List<ListenerEndpoint> endpoints, String name) {
        return endpoints.stream().filter(endpoint -> endpoint.name().equals(name)).findFirst();
    }

    private static String canonicalHostName() {
        try {
            return InetAddress.getLocalHost().getCanonicalHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
