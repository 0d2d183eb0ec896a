package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code surety start [server.properties] [--override key=value ...]}: runs the broker until Ctrl-C or SIGTERM. */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = SuretyVersion.class,
        description = "Start a Surety broker (Kafka wire protocol) and serve until stopped.")
public final class Main implements Callable<Integer> {

    @Parameters(arity = "0..1", paramLabel = "server.properties",
            description = "A properties file with Kafka's broker key names.")
    private Path propertiesFile;

    @Option(names = "--override", paramLabel = "key=value",
            description = "Override one setting (repeatable), as Kafka's start script allows.")
    private List<String> overrides = new ArrayList<>();

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * Every mistake an operator can make before the broker serves ends here as one line on stderr and
     * exit code 2: a bad setting, a missing file, a data directory that is not Surety's, an address in
     * use. A stack trace is for bugs only.
     */
    @Override
    public Integer call() throws Exception {
        BrokerConfig config;
        try {
            config = BrokerConfig.of(settings());
        } catch (NoSuchFileException e) {
            return refuse("Configuration file " + propertiesFile + " not found; give the path of a properties file "
                    + "(config/server.properties is an example)");
        } catch (IOException e) {
            return refuse("Could not read configuration file " + propertiesFile + ": " + e.getMessage());
        } catch (ConfigException | IllegalArgumentException e) {
            return refuse("Invalid configuration: " + e.getMessage());
        }
        SuretyBroker broker;
        try {
            broker = SuretyBroker.start(config);
        } catch (IOException e) {
            return refuse("Surety could not start: " + (e.getMessage() != null ? e.getMessage() : e.toString()));
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            broker.close();
            stopped.countDown();
        }, "surety-shutdown"));
        System.out.println(banner(broker));
        System.out.flush();
        stopped.await();
        return 0;
    }

    private static int refuse(String line) {
        System.err.println(line);
        return 2;
    }

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

    private static String metricsEndpoint(SuretyBroker broker) {
        int port = broker.config().metricsPort();
        return port == 0 ? "off (metrics.port=0)"
                : "http://" + broker.config().listener().host() + ":" + port + "/metrics (also /health, /ready)";
    }

    static String banner(SuretyBroker broker) {
        FlushPolicy policy = broker.config().flushPolicy();
        String durability = policy == FlushPolicy.FSYNC
                ? "flush.policy=fsync (acks=1/all acknowledged only after fsync)"
                : "flush.policy=interval (page cache; fsync every log.flush.interval.ms and on segment roll)";
        return String.join(System.lineSeparator(),
                "Surety broker started",
                "  listening on   " + broker.bootstrapServers(),
                "  data directory " + broker.dataDir(),
                "  durability     " + durability,
                "  metrics        " + metricsEndpoint(broker),
                "  cluster id     " + broker.clusterId(),
                "Press Ctrl-C to stop.");
    }
}
