package io.surety.semantics;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code bin/surety explain}: checks producer and consumer settings files and says, in plain words,
 * which delivery guarantee they give and what to change.
 *
 * <p>Exit codes: 0 when the settings give the guarantee asked for with {@code --want} (or when
 * nothing was asked for), 1 when they do not, 2 on bad input (unreadable file, unknown option or
 * guarantee).
 */
@Command(name = "surety explain", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Says which delivery guarantee Kafka client settings give, and what breaks the one you want.",
                "Settings missing from a file take the defaults of the kafka-clients version in use."},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:the settings give the wanted guarantee (or none was asked for)",
                "1:they do not", "2:bad input"})
public final class ExplainCommand implements Callable<Integer> {

    static final int GIVEN = 0;
    static final int NOT_GIVEN = 1;
    static final int BAD_INPUT = 2;

    @Option(names = "--producer-config", paramLabel = "FILE", description = "producer settings (.properties)")
    private Path producerConfig;

    @Option(names = "--consumer-config", paramLabel = "FILE", description = "consumer settings (.properties)")
    private Path consumerConfig;

    @Option(names = "--want", paramLabel = "GUARANTEE", converter = GuaranteeConverter.class,
            description = "at-most-once, at-least-once or exactly-once")
    private Guarantee want;

    private final PrintWriter out;
    private final PrintWriter err;

    ExplainCommand(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command with its output to {@code out} and errors to {@code err}; returns the exit code. */
    static int run(PrintWriter out, PrintWriter err, String... args) {
        CommandLine commandLine = new CommandLine(new ExplainCommand(out, err));
        commandLine.setOut(out);
        commandLine.setErr(err);
        int code = commandLine.execute(args);
        out.flush();
        err.flush();
        return code;
    }

    @Override
    public Integer call() {
        if (producerConfig == null && consumerConfig == null) {
            err.println("Give --producer-config FILE, --consumer-config FILE, or both (see --help).");
            return BAD_INPUT;
        }
        Optional<Properties> producer;
        Optional<Properties> consumer;
        try {
            producer = load(producerConfig, "producer");
            consumer = load(consumerConfig, "consumer");
        } catch (IllegalArgumentException e) {
            err.println(e.getMessage());
            return BAD_INPUT;
        }
        Assessment assessment = ConfigCheck.assess(producer, consumer);
        printHeader(producer.isPresent(), consumer.isPresent());
        int code = GIVEN;
        if (want != null) {
            List<Finding> findings = assessment.findings().get(want);
            boolean given = ConfigCheck.gives(findings);
            long failing = findings.stream().filter(Finding::failsGuarantee).count();
            out.println("Wanted: " + want.label() + " -> " + (given ? "GIVEN" : "NOT GIVEN")
                    + " (" + failing + " problem" + (failing == 1 ? "" : "s") + " breaking it, "
                    + (findings.size() - failing) + " warning" + (findings.size() - failing == 1 ? "" : "s") + ")");
            out.println();
            findings.forEach(f -> {
                out.println(f.describe());
                out.println();
            });
            code = given ? GIVEN : NOT_GIVEN;
        }
        out.println("Strongest guarantee these settings give: "
                + assessment.strongest().map(Guarantee::label).orElse("none"));
        assessment.reasons().forEach(reason -> out.println("  - " + reason));
        if (want == null) {
            assessment.strongest().ifPresent(g -> assessment.findings().get(g).forEach(f -> {
                out.println();
                out.println(f.describe());
            }));
        }
        return code;
    }

    private void printHeader(boolean producer, boolean consumer) {
        if (producer) {
            out.println("Producer settings: " + producerConfig);
        }
        if (consumer) {
            out.println("Consumer settings: " + consumerConfig);
        }
        out.println("Settings not in a file take the defaults of kafka-clients " + ClientVersion.inUse().text() + ".");
        out.println();
    }

    private static Optional<Properties> load(Path file, String side) {
        if (file == null) {
            return Optional.empty();
        }
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("Cannot read the " + side + " settings: no such file " + file);
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("Cannot read the " + side + " settings from " + file + ": " + e.getMessage());
        }
        return Optional.of(properties);
    }

    /** Converts {@code --want} values; an unknown value is a usage error (exit code 2). */
    static final class GuaranteeConverter implements CommandLine.ITypeConverter<Guarantee> {
        @Override
        public Guarantee convert(String value) {
            try {
                return Guarantee.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }
}
