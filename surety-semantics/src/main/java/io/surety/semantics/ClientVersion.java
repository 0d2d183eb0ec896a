package io.surety.semantics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The kafka-clients version on the class path, for the few behaviours that changed between
 * releases.
 *
 * <p>Implementation notes: kafka-clients ships {@code kafka/kafka-version.properties} in its jar
 * (that file is what its own app-info reads). Reading the resource avoids Kafka's internal
 * {@code utils} package. When the file is missing or unreadable the newest behaviour is assumed
 * and {@link #text()} says so.
 */
record ClientVersion(int major, int minor, String text) {

    private static final ClientVersion IN_USE = load();

    /** The version of the kafka-clients jar this class was loaded with. */
    static ClientVersion inUse() {
        return IN_USE;
    }

    /**
     * kafka-clients 4.0 and later refuse {@code max.in.flight.requests.per.connection > 5} unless
     * idempotence is explicitly off; 3.x silently turned idempotence off instead.
     */
    boolean refusesInFlightAboveFiveWithDefaultIdempotence() {
        return major >= 4;
    }

    static ClientVersion parse(String version) {
        String[] parts = version.trim().split("[.-]");
        try {
            int major = Integer.parseInt(parts[0]);
            int minor = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            return new ClientVersion(major, minor, version.trim());
        } catch (NumberFormatException e) {
            return new ClientVersion(Integer.MAX_VALUE, 0, version.trim() + " (unrecognized; newest behaviour assumed)");
        }
    }

    private static ClientVersion load() {
        try (InputStream in = ProducerConfig.class.getResourceAsStream("/kafka/kafka-version.properties")) {
            if (in != null) {
                Properties props = new Properties();
                props.load(in);
                String version = props.getProperty("version");
                if (version != null && !version.isBlank()) {
                    return parse(version);
                }
            }
        } catch (IOException e) {
            // fall through: unknown version
        }
        return new ClientVersion(Integer.MAX_VALUE, 0, "unknown (newest behaviour assumed)");
    }
}
