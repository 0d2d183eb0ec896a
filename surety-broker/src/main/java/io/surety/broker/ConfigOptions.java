package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * How every broker command finds its configuration, so {@code start} and {@code recover} read the
 * same data directory: an optional properties file with Kafka's broker key names, then
 * {@code --override key=value} settings on top. A picocli mixin; not thread-safe.
 */
final class ConfigOptions {

    @Parameters(arity = "0..1", paramLabel = "server.properties",
            description = "A properties file with Kafka's broker key names.")
    private Path propertiesFile;

    @Option(names = "--override", paramLabel = "key=value",
            description = "Override one setting (repeatable), as Kafka's start script allows.")
    private List<String> overrides = new ArrayList<>();

    /**
     * The broker configuration these options give, validated.
     *
     * @throws InvalidConfiguration with one line for the operator: the file is missing or unreadable,
     *     an override is malformed, a setting is unknown or invalid
     */
    BrokerConfig load() throws InvalidConfiguration {
        try {
            return BrokerConfig.of(settings());
        } catch (NoSuchFileException e) {
            throw new InvalidConfiguration("Configuration file " + propertiesFile + " not found; give the path of a "
                    + "properties file (config/server.properties is an example)");
        } catch (IOException e) {
            throw new InvalidConfiguration("Could not read configuration file " + propertiesFile + ": " + e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            throw new InvalidConfiguration("Invalid configuration: " + e.getMessage());
        }
    }

    /** A configuration the broker cannot use; the message is the one line to show. */
    static final class InvalidConfiguration extends Exception {
        InvalidConfiguration(String line) {
            super(line, null, false, false);
        }
    }

    /** The settings, file first, overrides on top, in order. */
    private Map<String, String> settings() throws IOException {
        Map<String, String> settings = new LinkedHashMap<>();
        if (propertiesFile != null) {
            Properties props = new Properties();
            try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
                props.load(reader);
            }
            for (String key : props.stringPropertyNames()) {
                settings.put(key, props.getProperty(key).trim());
            }
        }
        for (String override : overrides) {
            int eq = override.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--override expects key=value, got '" + override + "'");
            }
            settings.put(override.substring(0, eq).trim(), override.substring(eq + 1).trim());
        }
        return settings;
    }
}
