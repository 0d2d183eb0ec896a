package io.surety.broker.network;

import java.net.InetSocketAddress;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;

/**
 * The TLS engines of one SSL listener: kafka-clients' {@link DefaultSslEngineFactory} configured with
 * the listener's settings, so keystores (JKS, PKCS12, PEM), protocols, cipher suites and
 * {@code ssl.client.auth} mean what they mean to Kafka. One engine per connection. Thread-safe.
 */
public final class TlsEngines implements AutoCloseable {

    private final String listenerName;
    private final DefaultSslEngineFactory factory;
    private final String endpointIdentification;

    private TlsEngines(String listenerName, DefaultSslEngineFactory factory, String endpointIdentification) {
        this.listenerName = listenerName;
        this.factory = factory;
        this.endpointIdentification = endpointIdentification;
    }

    /**
     * Loads the keystore and truststore named in {@code settings} ({@code TlsConfig.forListener}).
     *
     * @throws ConfigException in one line naming the listener and what is wrong (no keystore, a
     *     wrong password, an unreadable file)
     */
    public static TlsEngines of(String listenerName, Map<String, Object> settings) {
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        try {
            factory.configure(settings);
        } catch (RuntimeException e) {
            factory.close();
            throw new ConfigException("listener " + listenerName + " (SSL): cannot set up TLS: " + causes(e)
                    + "; check its ssl.keystore.* and ssl.truststore.* settings");
        }
        if (factory.keystore() == null) {
            factory.close();
            throw new ConfigException("listener " + listenerName + " (SSL) has no keystore: set ssl.keystore.location "
                    + "and ssl.keystore.password (or listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT)
                    + ".ssl.keystore.location), or PEM ssl.keystore.certificate.chain and ssl.keystore.key");
        }
        Object identification = settings.get(SslConfigs.SSL_ENDPOINT_IDENTIFICATION_ALGORITHM_CONFIG);
        return new TlsEngines(listenerName, factory, identification == null ? "" : identification.toString());
    }

    private static String causes(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        for (Throwable cause = e.getCause(); cause != null && cause != cause.getCause(); cause = cause.getCause()) {
            text.append(": ").append(cause.getMessage());
        }
        return text.toString();
    }

    /** A server engine for a connection from {@code peer}. */
    SSLEngine newEngine(InetSocketAddress peer) {
        return factory.createServerSslEngine(peer.getHostString(), peer.getPort());
    }

    /**
     * A client engine for this broker's own connection to a peer's listener at {@code host}:{@code port}
     * (replica fetches, transaction markers): it trusts the listener's truststore, shows the
     * listener's keystore when the peer asks for a certificate, and checks the peer's name as
     * {@code ssl.endpoint.identification.algorithm} says (https by default, as Kafka).
     */
    SSLEngine newClientEngine(String host, int port) {
        return factory.createClientSslEngine(host, port, endpointIdentification);
    }

    public String listenerName() {
        return listenerName;
    }

    @Override
    public void close() {
        factory.close();
    }
}
