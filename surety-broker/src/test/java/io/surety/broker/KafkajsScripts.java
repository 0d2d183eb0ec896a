package io.surety.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The KafkaJS scripts of {@code src/test/js/kafkajs}, copied to {@code target/kafkajs} and
 * installed there with {@code npm ci} from their package-lock.json, so the source tree never
 * holds a node_modules. A machine without node and npm, or without the npm registry and without
 * the package in npm's cache, skips the tests that need them with the reason; a registry that
 * answers but an install that fails fails them. Not thread-safe: prepared once per test class.
 */
final class KafkajsScripts {

    private static final Path SOURCE = Path.of("src", "test", "js", "kafkajs");
    private static final Path INSTALLED = Path.of("target", "kafkajs");
    private static final Duration NPM_TIMEOUT = Duration.ofMinutes(3);
    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);

    private final Path node;
    private final Path dir;
    private final Path outputs;
    private final String kafkajsVersion;
    private int runs;

    private KafkajsScripts(Path node, Path dir, Path outputs, String kafkajsVersion) {
        this.node = node;
        this.dir = dir;
        this.outputs = outputs;
        this.kafkajsVersion = kafkajsVersion;
    }

    /**
     * Copies and installs the scripts, or aborts the calling test class (a JUnit assumption)
     * saying why they cannot run here. Each run's output goes to a directory under {@code outputs}.
     */
    static KafkajsScripts install(Path outputs) throws IOException, InterruptedException {
        Optional<Path> node = ClientProcess.onPath("node");
        Optional<Path> npm = ClientProcess.onPath("npm");
        Assumptions.assumeTrue(node.isPresent() && npm.isPresent(),
                "node and npm are not on the PATH (apt-get install nodejs npm): skipping the KafkaJS tests");
        Path dir = INSTALLED.toAbsolutePath();
        copySources(dir);
        ClientProcess.Result ci = ClientProcess.run(outputs.resolve("npm-ci"), dir, NPM_TIMEOUT, "",
                List.of(npm.get().toString(), "ci", "--prefer-offline", "--no-audit", "--no-fund"));
        if (ci.exitCode() != 0) {
            ClientProcess.Result ping = ClientProcess.run(outputs.resolve("npm-ping"), dir, NPM_TIMEOUT, "",
                    List.of(npm.get().toString(), "ping"));
            Assumptions.assumeTrue(ping.exitCode() == 0, "the npm registry cannot be reached and KafkaJS is not in npm's"
                    + " cache: skipping the KafkaJS tests (npm ping: " + ping.stderr().strip() + ")");
            throw new AssertionError("npm ci failed in " + dir + " although the registry answers:\n" + ci.stderr());
        }
        String version = Files.readString(dir.resolve(Path.of("node_modules", "kafkajs", "package.json")))
                .lines().filter(line -> line.contains("\"version\"")).findFirst().orElse("unknown").strip();
        ClientProcess.Result nodeVersion = ClientProcess.run(outputs.resolve("node-version"), dir, SCRIPT_TIMEOUT, "",
                List.of(node.get().toString(), "--version"));
        System.out.println("KafkaJS " + version + " on node " + nodeVersion.stdout().strip());
        return new KafkajsScripts(node.get(), dir, outputs, version);
    }

    /** The installed KafkaJS version line of its package.json, for messages. */
    String kafkajsVersion() {
        return kafkajsVersion;
    }

    /** Runs {@code script} with the bootstrap address and {@code args} to its end, within 90 s. */
    ClientProcess.Result run(String script, String bootstrap, String... args) throws IOException, InterruptedException {
        return ClientProcess.run(nextOutputDir(script), dir, SCRIPT_TIMEOUT, "", command(script, bootstrap, args));
    }

    /** Starts {@code script}, which runs until {@link ClientProcess#stop} closes its standard input. */
    ClientProcess start(String script, String bootstrap, String... args) throws IOException {
        return ClientProcess.start(nextOutputDir(script), dir, command(script, bootstrap, args));
    }

    private List<String> command(String script, String bootstrap, String... args) {
        List<String> command = new ArrayList<>(List.of(node.toString(), script, bootstrap));
        command.addAll(List.of(args));
        return command;
    }

    private Path nextOutputDir(String script) {
        return outputs.resolve(String.format("%03d-%s", ++runs, script.replace(".js", "")));
    }

    /** Copies the scripts and the package files (not a node_modules someone ran npm in) to {@code dir}. */
    private static void copySources(Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(SOURCE)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
