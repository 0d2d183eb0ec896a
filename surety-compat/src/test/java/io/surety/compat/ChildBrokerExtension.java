package io.surety.compat;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts one Surety broker as a child JVM before the tests of a class and stops it after them.
 * Register it as a static field, with any broker settings the class needs:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ChildBrokerExtension BROKER = new ChildBrokerExtension()
 *         .config("group.initial.rebalance.delay.ms", "0");
 * }</pre>
 *
 * <p>Before starting the broker it checks that the kafka-clients on the test classpath is the one
 * the module compiles against (one jar, the expected version) and prints that version. The broker
 * runs from {@code surety.broker.classpath} (set by the build), with its data directory and log
 * file in a fresh directory under {@code surety.compat.workDir}. The data directory is deleted when
 * every test of the class passed; the log is always kept. {@link #kill9AndRestart} crashes the
 * broker and starts it again on the same data directory and port, for durability tests.
 *
 * <p>Not thread-safe: configured before registration, then used by JUnit on the class's thread;
 * the accessors may be read from any thread once {@code beforeAll} has run.
 */
final class ChildBrokerExtension implements BeforeAllCallback, AfterAllCallback, AfterTestExecutionCallback {

    /** Partitions of every topic the broker creates (see {@link #createTopic}). */
    static final int PARTITIONS = 6;

    private static final String MAIN_CLASS = "io.surety.broker.Main";
    private static final Pattern READY = Pattern.compile("listening on");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final long CLIENT_TIMEOUT_S = 30;

    private final Map<String, String> config = new LinkedHashMap<>();
    private String listenerName = "PLAINTEXT";
    private JvmProcess process;
    private Path runDir;
    private String bootstrapServers;
    private boolean anyTestFailed;

    /**
     * Sets one broker setting ({@code --override key=value}), over the listener, data directory
     * and {@code num.partitions} this extension chooses. Call before the extension is registered.
     */
    ChildBrokerExtension config(String key, String value) {
        if (process != null) {
            throw new IllegalStateException("the broker has already been started");
        }
        config.put(key, value);
        return this;
    }

    /**
     * Names the broker's one listener after {@code protocol} (PLAINTEXT by default), so it uses
     * that security protocol: SASL_PLAINTEXT for the SASL tests. Call before the extension is
     * registered; {@link #createTopic} then needs the class's own client settings, so such a class
     * creates its topics itself.
     */
    ChildBrokerExtension listener(String protocol) {
        if (process != null) {
            throw new IllegalStateException("the broker has already been started");
        }
        listenerName = protocol;
        return this;
    }

    /** {@code host:port} of the running broker, for {@code bootstrap.servers}. */
    String bootstrapServers() {
        if (bootstrapServers == null) {
            throw new IllegalStateException("the broker has not been started");
        }
        return bootstrapServers;
    }

    /**
     * The directory of this class's run (broker log, data directory); tests put the logs of their
     * own child processes here so that they are kept with the broker's.
     */
    Path runDir() {
        if (runDir == null) {
            throw new IllegalStateException("the broker has not been started");
        }
        return runDir;
    }

    /**
     * Creates {@code topic} with {@link #PARTITIONS} partitions through {@link Admin#createTopics}
     * and returns them in order, after {@link Admin} describes it with that many.
     */
    List<TopicPartition> createTopic(String topic) throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all()
                    .get(CLIENT_TIMEOUT_S, TimeUnit.SECONDS);
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(CLIENT_TIMEOUT_S, TimeUnit.SECONDS).get(topic);
            assertThat(description.partitions()).as("partitions of %s described by Admin", topic).hasSize(PARTITIONS);
        }
        List<TopicPartition> partitions = new ArrayList<>();
        for (int p = 0; p < PARTITIONS; p++) {
            partitions.add(new TopicPartition(topic, p));
        }
        return partitions;
    }

    /**
     * Kills the broker with {@code kill -9} and starts it again on the same data directory and
     * port; returns once it listens. Clients keep their {@code bootstrap.servers}.
     *
     * @throws IllegalStateException if the broker does not come back within the start timeout
     */
    void kill9AndRestart() {
        int exitCode = process.kill9();
        System.out.printf("[compat] broker pid %d killed (exit code %d); restarting on the same data%n",
                process.pid(), exitCode);
        process.start().awaitLogLine(READY, START_TIMEOUT);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        String version = checkClientVersion();
        String classpath = brokerClasspath();
        String name = context.getRequiredTestClass().getSimpleName();
        String stamp = LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS"));
        runDir = Path.of(requiredProperty("surety.compat.workDir")).toAbsolutePath().resolve(name + "-" + stamp);
        Files.createDirectories(runDir);
        start(classpath);
        System.out.printf("[compat] %s: kafka-clients %s (commit %s) against Surety at %s; broker log %s%n",
                name, version, AppInfoParser.getCommitId(), bootstrapServers, process.logFile());
    }

    private void start(String classpath) {
        IllegalStateException lastFailure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            int port = FreePorts.find();
            List<String> args = new ArrayList<>(List.of("--override", "listeners=" + listenerName + "://127.0.0.1:" + port,
                    "--override", "log.dirs=" + runDir.resolve("data"),
                    "--override", "num.partitions=" + PARTITIONS, "--override", "metrics.port=0"));
            config.forEach((key, value) -> args.addAll(List.of("--override", key + "=" + value)));
            JvmProcess candidate = JvmProcess.builder()
                    .mainClass(MAIN_CLASS)
                    .classpath(classpath)
                    .jvmArgs("-Xmx512m")
                    .args(args.toArray(String[]::new))
                    .logFile(runDir.resolve("broker.log"))
                    .build()
                    .start();
            try {
                candidate.awaitLogLine(READY, START_TIMEOUT);
                process = candidate;
                bootstrapServers = "127.0.0.1:" + port;
                return;
            } catch (IllegalStateException e) {
                boolean exited = !candidate.isAlive();
                candidate.close();
                if (!exited) {
                    throw e;
                }
                // Most likely the port was taken between FreePorts.find() and the bind: try another.
                lastFailure = e;
            }
        }
        throw lastFailure;
    }

    @Override
    public void afterTestExecution(ExtensionContext context) {
        if (context.getExecutionException().isPresent()) {
            anyTestFailed = true;
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (process == null) {
            return;
        }
        int exitCode = process.terminate(STOP_GRACE);
        System.out.printf("[compat] broker pid %d stopped with exit code %d%n", process.pid(), exitCode);
        if (anyTestFailed || context.getExecutionException().isPresent()) {
            System.out.printf("[compat] keeping %s for inspection%n", runDir);
        } else {
            deleteRecursively(runDir.resolve("data"));
        }
    }

    /**
     * Checks that exactly one kafka-clients jar is on the classpath and that it is the version this
     * module was built for; returns that version.
     */
    private static String checkClientVersion() {
        String expected = requiredProperty("surety.compat.expectedClientVersion");
        List<String> kafkaJars = Arrays.stream(System.getProperty("java.class.path").split(Pattern.quote(File.pathSeparator)))
                .filter(entry -> Path.of(entry).getFileName().toString().startsWith("kafka-clients"))
                .toList();
        assertThat(kafkaJars).as("kafka-clients jars on the test classpath").singleElement()
                .satisfies(jar -> assertThat(Path.of(jar).getFileName().toString())
                        .isEqualTo("kafka-clients-" + expected + ".jar"));
        assertThat(AppInfoParser.getVersion()).as("kafka-clients version").isEqualTo(expected);
        return AppInfoParser.getVersion();
    }

    /** The broker's classpath, after checking that surety-broker has been packaged. */
    private static String brokerClasspath() {
        String classpath = requiredProperty("surety.broker.classpath");
        for (String entry : classpath.split(Pattern.quote(File.pathSeparator))) {
            Path path = entry.endsWith("*") ? Path.of(entry.substring(0, entry.length() - 1)) : Path.of(entry);
            assertThat(path).as("%s (package surety-broker first)", path).isDirectory();
        }
        return classpath;
    }

    private static String requiredProperty(String key) {
        String value = System.getProperty(key);
        if (value == null || value.isBlank()) {
            throw new IllegalStateException("system property " + key + " is not set; run through Maven (failsafe)");
        }
        return value;
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
