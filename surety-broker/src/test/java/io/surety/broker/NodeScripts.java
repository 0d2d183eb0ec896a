package io.surety.broker;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * The node scripts of one directory under {@code src/test/js} (a package.json and a
 * package-lock.json pinning the client), copied to {@code target/<name>} and installed there with
 * {@code npm ci}, so the source tree never holds a node_modules. An installation whose lock file
 * is unchanged is reused, so a client built from source (node-rdkafka) is built once per clean
 * build. A machine without node and npm, or without the npm registry and without the packages in
 * npm's cache, skips the tests that need them with the reason ({@link Setup}); a registry that
 * answers but an install that fails fails them. Not thread-safe: prepared once per test class.
 */
final class NodeScripts {

    private static final Duration SCRIPT_TIMEOUT = Duration.ofSeconds(90);
    /**
     * The prefix under which Debian's and NodeSource's nodejs put node's headers: given to node-gyp
     * as its nodedir, it builds a native addon without downloading them.
     */
    private static final Path NODE_DIR = Path.of("/usr");

    private final Path node;
    private final Path dir;
    private final Path outputs;
    private int runs;

    private NodeScripts(Path node, Path dir, Path outputs) {
        this.node = node;
        this.dir = dir;
        this.outputs = outputs;
    }

    /**
     * The scripts, installed, or why they cannot run here. A test class installs them once and
     * checks {@link #assumeAvailable} before each test, so that each test is reported skipped with
     * the reason (an assumption failing in {@code @BeforeAll} leaves no trace in the reports).
     */
    record Setup(NodeScripts scripts, String unavailable) {

        static Setup unavailable(String reason) {
            return new Setup(null, reason);
        }

        boolean available() {
            return unavailable == null;
        }

        void assumeAvailable() {
            Assumptions.assumeTrue(available(), unavailable);
        }
    }

    /**
     * Copies and installs the scripts of {@code src/test/js/<name>}, or says why they cannot run
     * here. npm gets {@code npmTimeout}; each run's output goes to a directory under {@code outputs}.
     */
    static Setup install(String name, Path outputs, Duration npmTimeout) throws IOException, InterruptedException {
        Optional<Path> node = ClientProcess.onPath("node");
        Optional<Path> npm = ClientProcess.onPath("npm");
        if (node.isEmpty() || npm.isEmpty()) {
            return Setup.unavailable("node and npm are not on the PATH (apt-get install nodejs npm): skipping the "
                    + name + " tests");
        }
        Path source = Path.of("src", "test", "js", name);
        Path dir = Path.of("target", name).toAbsolutePath();
        boolean installed = installed(source, dir);
        copySources(source, dir);
        if (!installed) {
            Map<String, String> environment = new HashMap<>();
            if (Files.exists(NODE_DIR.resolve(Path.of("include", "node", "node.h")))) {
                environment.put("npm_config_nodedir", NODE_DIR.toString());
            }
            long startNs = System.nanoTime();
            ClientProcess.Result ci = ClientProcess.run(outputs.resolve("npm-ci"), dir, npmTimeout, "", environment,
                    List.of(npm.get().toString(), "ci", "--prefer-offline", "--no-audit", "--no-fund"));
            if (ci.exitCode() != 0) {
                ClientProcess.Result ping = ClientProcess.run(outputs.resolve("npm-ping"), dir, npmTimeout, "",
                        Map.of(), List.of(npm.get().toString(), "ping"));
                Files.deleteIfExists(dir.resolve("node_modules").resolve(".package-lock.json"));
                if (ping.exitCode() != 0) {
                    return Setup.unavailable("the npm registry cannot be reached and " + name + " is not in npm's cache:"
                            + " skipping its tests (npm ping: " + ping.stderr().strip() + ")");
                }
                throw new AssertionError("npm ci failed in " + dir + " although the registry answers:\n" + ci.stderr());
            }
            System.out.printf("%s installed with npm ci in %d s%n", name, (System.nanoTime() - startNs) / 1_000_000_000L);
        }
        ClientProcess.Result version = ClientProcess.run(outputs.resolve("node-version"), dir, SCRIPT_TIMEOUT, "",
                Map.of(), List.of(node.get().toString(), "--version"));
        ClientProcess.Result packages = ClientProcess.run(outputs.resolve("npm-ls"), dir, SCRIPT_TIMEOUT, "", Map.of(),
                List.of(npm.get().toString(), "ls", "--depth=0"));
        System.out.println(name + " on node " + version.stdout().strip() + ": " + packages.stdout().strip());
        return new Setup(new NodeScripts(node.get(), dir, outputs), null);
    }

    /** Whether {@code dir} holds an installation of exactly the lock file in {@code source} (npm ci completed). */
    static boolean installed(Path source, Path dir) throws IOException {
        Path lock = dir.resolve("package-lock.json");
        return Files.exists(dir.resolve("node_modules").resolve(".package-lock.json")) && Files.exists(lock)
                && Arrays.equals(Files.readAllBytes(lock), Files.readAllBytes(source.resolve("package-lock.json")));
    }

    /** Runs {@code script} with the bootstrap address and {@code args} to its end, within 90 s. */
    ClientProcess.Result run(String script, String bootstrap, String... args) throws IOException, InterruptedException {
        return ClientProcess.run(nextOutputDir(script), dir, SCRIPT_TIMEOUT, "", Map.of(), command(script, bootstrap, args));
    }

    /** Starts {@code script}, which runs until {@link ClientProcess#stop} closes its standard input. */
    ClientProcess start(String script, String bootstrap, String... args) throws IOException {
        return ClientProcess.start(nextOutputDir(script), dir, Map.of(), command(script, bootstrap, args));
    }

    private List<String> command(String script, String bootstrap, String... args) {
        List<String> command = new ArrayList<>(List.of(node.toString(), script, bootstrap));
        command.addAll(List.of(args));
        return command;
    }

    private Path nextOutputDir(String script) {
        return outputs.resolve(String.format("%03d-%s", ++runs, script.replace(".js", "")));
    }

    /** Copies the scripts and the package files, and the scripts again over a reused installation. */
    private static void copySources(Path source, Path dir) throws IOException {
        Files.createDirectories(dir);
        try (Stream<Path> files = Files.list(source)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }
}
