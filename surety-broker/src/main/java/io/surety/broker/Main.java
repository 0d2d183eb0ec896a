package io.surety.broker;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.FlushPolicy;
import io.surety.broker.security.ScramBootstrap;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code surety start [server.properties] [--override key=value ...] [--add-scram ...]}: runs the broker until Ctrl-C
 * or SIGTERM. Its subcommands work on the same configuration with the broker stopped:
 * {@code recover} ({@link RecoverCommand}) and {@code format} ({@link FormatCommand}); and
 * {@code random-uuid} ({@link RandomUuidCommand}) makes a cluster id. A mistake on the command line
 * is one line on stderr and exit code 2, as every other operator mistake.
 */
@Command(name = "start", mixinStandardHelpOptions = true, versionProvider = SuretyVersion.class,
        description = "Start a Surety broker (Kafka wire protocol) and serve until stopped.")
public final class Main implements Callable<Integer> {

    /** The subcommands by name, in the order the usage lists them. */
    private static final Map<String, Supplier<Object>> SUBCOMMANDS = orderedSubcommands();

    @Mixin
    private ConfigOptions configOptions = new ConfigOptions();

    @Option(names = "--add-scram", paramLabel = "MECHANISM=[name=...,password=...]",
            description = "Add a SCRAM user before the listeners open, as kafka-storage format --add-scram does,"
                    + " unless it already has a credential for that mechanism (repeatable). Example:"
                    + " SCRAM-SHA-256=[name=admin,password=admin-secret]")
    private List<String> addScram = new ArrayList<>();

    public static void main(String[] args) {
        CommandLine commandLine = commandLine(args);
        commandLine.setParameterExceptionHandler((e, arguments) -> {
            e.getCommandLine().getErr().println(e.getMessage() + " (" + e.getCommandLine().getCommandName()
                    + " --help lists the options)");
            return 2;
        });
        int exit = commandLine.execute(args);
        if (exit != 0) {
            System.exit(exit);
        }
    }

    /**
     * The command line that runs {@code args}: the start alone, or with the one subcommand named
     * first; every subcommand when help is asked for, so the usage lists them all.
     *
     * <p>Implementation notes: picocli reads each command's annotations by reflection when it is
     * added, and its classes, compiled for Java 5, are loaded and verified anew at every start
     * (class-data sharing cannot keep them). Building the three subcommands a start does not run
     * cost it about 30 ms of its 0.5 s to the first record.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine commandLine = new CommandLine(new Main());
        List<String> arguments = List.of(args);
        boolean help = arguments.contains("--help") || arguments.contains("-h");
        for (Map.Entry<String, Supplier<Object>> subcommand : SUBCOMMANDS.entrySet()) {
            if (help || (!arguments.isEmpty() && arguments.get(0).equals(subcommand.getKey()))) {
                commandLine.addSubcommand(subcommand.getValue().get());
            }
        }
        return commandLine;
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
            config = configOptions.load();
        } catch (ConfigOptions.InvalidConfiguration e) {
            return refuse(e.getMessage());
        }
        List<ScramBootstrap> scramUsers = new ArrayList<>();
        try {
            for (String argument : addScram) {
                scramUsers.add(ScramBootstrap.parse(argument));
            }
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        SuretyBroker broker;
        try {
            broker = SuretyBroker.start(config, scramUsers);
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

    private static Map<String, Supplier<Object>> orderedSubcommands() {
        Map<String, Supplier<Object>> subcommands = new LinkedHashMap<>();
        subcommands.put("recover", RecoverCommand::new);
        subcommands.put("format", FormatCommand::new);
        subcommands.put("random-uuid", RandomUuidCommand::new);
        return Collections.unmodifiableMap(subcommands);
    }

    private static int refuse(String line) {
        System.err.println(line);
        return 2;
    }

    private static String metricsEndpoint(SuretyBroker broker) {
        int port = broker.config().metrics().port();
        return port == 0 ? "off (metrics.port=0)"
                : "http://" + broker.config().network().listener().host() + ":" + port + "/metrics (also /health, /ready)";
    }

    static String banner(SuretyBroker broker) {
        FlushPolicy policy = broker.config().storage().flushPolicy();
        String durability = policy == FlushPolicy.FSYNC
                ? "flush.policy=fsync (acks=1/all acknowledged only after fsync)"
                : "flush.policy=interval (page cache; fsync every log.flush.interval.ms and on segment roll)";
        return String.join(System.lineSeparator(),
                "Surety broker started",
                "  version        " + SuretyVersion.describe(),
                "  listening on   " + broker.bootstrapServers(),
                "  data directory " + broker.dataDir(),
                "  durability     " + durability,
                "  metrics        " + metricsEndpoint(broker),
                "  cluster id     " + broker.clusterId(),
                "Press Ctrl-C to stop.");
    }
}
