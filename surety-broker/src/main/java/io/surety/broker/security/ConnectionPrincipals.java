package io.surety.broker.security;

import java.net.InetAddress;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLSession;
import javax.security.sasl.SaslServer;
import org.apache.kafka.common.Configurable;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.internals.BrokerSecurityConfigs;
import org.apache.kafka.common.security.auth.AuthenticationContext;
import org.apache.kafka.common.security.auth.KafkaPrincipal;
import org.apache.kafka.common.security.auth.KafkaPrincipalBuilder;
import org.apache.kafka.common.security.auth.PlaintextAuthenticationContext;
import org.apache.kafka.common.security.auth.SaslAuthenticationContext;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.security.auth.SslAuthenticationContext;
import org.apache.kafka.common.security.authenticator.DefaultKafkaPrincipalBuilder;
import org.apache.kafka.common.security.ssl.SslPrincipalMapper;

/**
 * Who a connection is, as Kafka decides it: one listener's {@link KafkaPrincipalBuilder} (Kafka's
 * {@code principal.builder.class}; by default kafka-clients' {@link DefaultKafkaPrincipalBuilder},
 * which names a SASL connection {@code User:<authorization id>}, a TLS connection with a client
 * certificate {@code User:<its distinguished name>} mapped by {@code ssl.principal.mapping.rules},
 * and anything else {@code User:ANONYMOUS}). Built once per listener at start, so a class that
 * cannot be loaded or is not a principal builder refuses the start in one line. Thread-safe when
 * the builder is (Kafka calls its builder from every network thread too).
 */
public final class ConnectionPrincipals {

    public static final String PRINCIPAL_BUILDER_CLASS = BrokerSecurityConfigs.PRINCIPAL_BUILDER_CLASS_CONFIG;

    /** Kafka's default builder with the default mapping rules: what a listener without settings uses. */
    public static final ConnectionPrincipals DEFAULT = new ConnectionPrincipals(
            new DefaultKafkaPrincipalBuilder(null, SslPrincipalMapper.fromRules("DEFAULT")), "");

    private final KafkaPrincipalBuilder builder;
    private final String listenerName;

    private ConnectionPrincipals(KafkaPrincipalBuilder builder, String listenerName) {
        this.builder = builder;
        this.listenerName = listenerName;
    }

    /**
     * The principals of listener {@code listenerName}: {@code builderClass} (null or empty for
     * Kafka's default), configured with {@code configs} when it is {@link Configurable}, and
     * {@code mappingRules} for the default builder's certificate names.
     *
     * @throws ConfigException naming {@code principal.builder.class} or the rules when they cannot be used
     */
    public static ConnectionPrincipals of(String listenerName, String builderClass, String mappingRules,
            Map<String, ?> configs) {
        if (builderClass == null || builderClass.isBlank()
                || builderClass.equals(DefaultKafkaPrincipalBuilder.class.getName())) {
            SslPrincipalMapper mapper;
            try {
                mapper = SslPrincipalMapper.fromRules(mappingRules == null ? "DEFAULT" : mappingRules);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(BrokerSecurityConfigs.SSL_PRINCIPAL_MAPPING_RULES_CONFIG, mappingRules,
                        e.getMessage());
            }
            return new ConnectionPrincipals(new DefaultKafkaPrincipalBuilder(null, mapper), listenerName);
        }
        Object instance;
        try {
            Class<?> type = Class.forName(builderClass.trim(), true, ConnectionPrincipals.class.getClassLoader());
            instance = type.getDeclaredConstructor().newInstance();
        } catch (ClassNotFoundException e) {
            throw new ConfigException(PRINCIPAL_BUILDER_CLASS, builderClass, "no such class on the class path");
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new ConfigException(PRINCIPAL_BUILDER_CLASS, builderClass,
                    "cannot be created with a public no-argument constructor (" + e + ")");
        }
        if (!(instance instanceof KafkaPrincipalBuilder principalBuilder)) {
            throw new ConfigException(PRINCIPAL_BUILDER_CLASS, builderClass, "not a " + KafkaPrincipalBuilder.class.getName());
        }
        if (principalBuilder instanceof Configurable configurable) {
            configurable.configure(configs);
        }
        return new ConnectionPrincipals(principalBuilder, listenerName);
    }

    /** A PLAINTEXT connection from {@code client}. */
    public KafkaPrincipal plaintext(InetAddress client) {
        return build(new PlaintextAuthenticationContext(client, listenerName));
    }

    /** A TLS connection from {@code client} whose handshake gave {@code session}. */
    public KafkaPrincipal ssl(SSLSession session, InetAddress client) {
        return build(new SslAuthenticationContext(session, client, listenerName));
    }

    /** A connection from {@code client} that authenticated through {@code server} (over TLS when {@code session}). */
    public KafkaPrincipal sasl(SaslServer server, InetAddress client, Optional<SSLSession> session) {
        SecurityProtocol protocol = session.isPresent() ? SecurityProtocol.SASL_SSL : SecurityProtocol.SASL_PLAINTEXT;
        return build(new SaslAuthenticationContext(server, protocol, client, listenerName, session));
    }

    private KafkaPrincipal build(AuthenticationContext context) {
        return builder.build(context);
    }
}
