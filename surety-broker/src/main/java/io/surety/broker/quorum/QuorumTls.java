package io.surety.broker.quorum;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.SslConfigs;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.security.ssl.DefaultSslEngineFactory;
import org.apache.ratis.conf.Parameters;
import org.apache.ratis.grpc.GrpcConfigKeys;
import org.apache.ratis.grpc.GrpcTlsConfig;

/**
 * TLS with mutual authentication for the quorum's own traffic (Ratis over gRPC): every member shows
 * the certificate of its CONTROLLER listener's keystore and accepts only peers and clients whose
 * certificate its truststore trusts, so nobody who merely reaches the quorum port can append,
 * vote or submit anything. The keystore and truststore are read with kafka-clients'
 * {@link DefaultSslEngineFactory}, so they are given with Kafka's {@code ssl.*} keys (JKS, PKCS12 or
 * PEM). Immutable.
 */
public final class QuorumTls {

    private final KeyManager keyManager;
    private final TrustManager trustManager;

    private QuorumTls(KeyManager keyManager, TrustManager trustManager) {
        this.keyManager = keyManager;
        this.trustManager = trustManager;
    }

    /**
     * The TLS of a CONTROLLER listener whose parsed {@code ssl.*} settings are {@code settings}.
     *
     * @throws ConfigException in one line naming the listener when it has no keystore or truststore,
     *     or they cannot be read
     */
    public static QuorumTls from(String listenerName, Map<String, Object> settings) {
        DefaultSslEngineFactory factory = new DefaultSslEngineFactory();
        try {
            factory.configure(settings);
            KeyStore keystore = factory.keystore();
            KeyStore truststore = factory.truststore();
            if (keystore == null || truststore == null) {
                throw new ConfigException("listener " + listenerName + " (the quorum's, SSL) needs both a keystore and a "
                        + "truststore: the quorum's members authenticate each other; set ssl.keystore.* and "
                        + "ssl.truststore.* (or their listener.name." + listenerName.toLowerCase(java.util.Locale.ROOT)
                        + ". forms)");
            }
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(keystore, keyPassword(settings));
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(truststore);
            return new QuorumTls(keys.getKeyManagers()[0], trust.getTrustManagers()[0]);
        } catch (GeneralSecurityException | RuntimeException e) {
            if (e instanceof ConfigException config) {
                throw config;
            }
            throw new ConfigException("listener " + listenerName + " (the quorum's, SSL): cannot set up TLS: " + e.getMessage()
                    + "; check its ssl.keystore.* and ssl.truststore.* settings");
        } finally {
            factory.close();
        }
    }

    /** Kafka's key password: {@code ssl.key.password}, or the keystore's own when that is not set. */
    private static char[] keyPassword(Map<String, Object> settings) {
        Object key = settings.get(SslConfigs.SSL_KEY_PASSWORD_CONFIG);
        Object store = settings.get(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG);
        Object password = key != null ? key : store;
        return password == null ? new char[0] : ((Password) password).value().toCharArray();
    }

    /** Ratis's parameters putting this TLS on its server, its clients and its admin clients. */
    Parameters parameters() {
        Parameters parameters = new Parameters();
        GrpcTlsConfig tls = new GrpcTlsConfig(keyManager, trustManager, true);
        GrpcConfigKeys.Server.setTlsConf(parameters, tls);
        GrpcConfigKeys.Client.setTlsConf(parameters, tls);
        GrpcConfigKeys.Admin.setTlsConf(parameters, tls);
        return parameters;
    }
}
