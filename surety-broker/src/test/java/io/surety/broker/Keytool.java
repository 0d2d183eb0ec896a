package io.surety.broker;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The JDK's keytool, run as a process: PKCS12 keystores with a self-signed certificate (SAN
 * localhost and 127.0.0.1), and truststores, for the TLS listeners' tests.
 */
public final class Keytool {

    private Keytool() {
    }

    public static void selfSigned(Path keystore, String alias, String commonName, String password) throws Exception {
        run("-genkeypair", "-alias", alias, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=" + commonName, "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-keystore", keystore.toString(), "-storetype", "PKCS12", "-storepass", password, "-keypass", password);
    }

    /** Adds the certificate of {@code alias} in {@code keystore} to {@code truststore}. */
    public static void trust(Path keystore, String alias, Path truststore, String password) throws Exception {
        Path certificate = keystore.resolveSibling(alias + ".pem");
        run("-exportcert", "-alias", alias, "-keystore", keystore.toString(), "-storepass", password, "-rfc",
                "-file", certificate.toString());
        run("-importcert", "-noprompt", "-alias", alias, "-file", certificate.toString(),
                "-keystore", truststore.toString(), "-storetype", "PKCS12", "-storepass", password);
    }

    /**
     * A Kafka client's settings for TLS: it trusts {@code truststore} and, when
     * {@code keystore} is given, shows that certificate (both PKCS12 with {@code password}).
     */
    public static Map<String, Object> clientTls(Path truststore, Path keystore, String password) {
        Map<String, Object> tls = new HashMap<>();
        tls.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "SSL");
        tls.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, truststore.toString());
        tls.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, password);
        tls.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, "PKCS12");
        if (keystore != null) {
            tls.put(SslConfigs.SSL_KEYSTORE_LOCATION_CONFIG, keystore.toString());
            tls.put(SslConfigs.SSL_KEYSTORE_PASSWORD_CONFIG, password);
            tls.put(SslConfigs.SSL_KEYSTORE_TYPE_CONFIG, "PKCS12");
        }
        return tls;
    }

    private static void run(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("keytool finished").isTrue();
        assertThat(process.exitValue()).as("keytool %s: %s", args[0], output).isZero();
    }
}
