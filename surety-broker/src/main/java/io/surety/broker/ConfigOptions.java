package io.surety.broker;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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

    /** The settings, file first, overrides on top, in order. */
    Map<String, String> settings() throws IOException {
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
