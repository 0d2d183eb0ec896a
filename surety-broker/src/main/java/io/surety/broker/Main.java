package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import java.io.IOException;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/**
 * {@code surety start [server.properties] [--override key=value ...]}: runs the broker until Ctrl-C
 * or SIGTERM. Its one subcommand, {@code recover} ({@link RecoverCommand}), works on the same
 * configuration with the broker stopped.
 */
@Command(name = "start", mixinStandardHelpOptions = true,
        description = "Start a Surety broker (Kafka wire protocol) and serve until stopped.")
public final class Main implements Callable<Integer> {

    @Mixin
    private ConfigOptions configOptions = new ConfigOptions();

    public static void main(String[] args) {
        int exit = new CommandLine(new Main()).addSubcommand(new RecoverCommand()).execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    @Override
    public Integer call() throws Exception {
        BrokerConfig config;
        try {
            config = BrokerConfig.of(configOptions.settings());
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
