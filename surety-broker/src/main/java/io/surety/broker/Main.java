package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
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
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code surety start [server.properties] [--override key=value ...]}: runs the broker until Ctrl-C or SIGTERM. */
@Command(name = "start", mixinStandardHelpOptions = true,
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

    @Override
    public Integer call() throws Exception {
        BrokerConfig config;
        try {
            config = BrokerConfig.of(settings());
        } catch (ConfigException | IllegalArgumentException | IOException e) {
            System.err.println("Invalid configuration: " + e.getMessage());
            return 2;
        }
        SuretyBroker broker;
        try {
            broker = SuretyBroker.start(config);
        } catch (IOException e) {
            System.err.println("Surety could not start: " + e.getMessage());
            return 1;
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
