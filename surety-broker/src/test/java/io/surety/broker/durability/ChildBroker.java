package io.surety.broker.durability;

import io.surety.broker.Main;
import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;

/**
 * A Surety broker in a child JVM ({@link Main}), listening on a fixed 127.0.0.1 port chosen once,
 * so that it can be killed with {@code kill -9} and started again on the same port and data.
 *
 * <p>The child's classpath is this JVM's own, which holds the broker's classes and every
 * dependency; it is passed in an argument file beside the log. Its stdout and stderr go to one log file, appended to across restarts.
 *
 * <p>Not thread-safe: start, kill and restart from the test thread only; {@link #requireAlive()} may
 * be called from any thread.
 */
final class ChildBroker implements AutoCloseable {

    private static final Pattern STARTED = Pattern.compile("^Surety broker started");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final JvmProcess process;
    private final int port;
    private final Path dataDir;
    private int kills;

    private ChildBroker(JvmProcess process, int port, Path dataDir) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
    }

    /**
     * Starts a broker on a free port with {@code log.dirs=dataDir} and the given settings, and
     * returns once it has printed its start banner.
     */
    static ChildBroker start(Path dataDir, Path logFile, Map<String, String> settings) {
        ChildBroker broker = launch(dataDir, logFile, FreePorts.find(), settings, List.of());
        broker.awaitStarted();
        return broker;
    }

    /**
     * Starts a broker serving clients on {@code port} with {@code log.dirs=dataDir} and the given
     * settings (which may replace {@code listeners}, to add a controller listener), without waiting
     * for it: call {@link #awaitStarted()}. Lets several brokers start side by side. {@code jvmArgs}
     * are added to the child's JVM options.
     */
    static ChildBroker launch(Path dataDir, Path logFile, int port, Map<String, String> settings,
            List<String> jvmArgs) {
        return launch(dataDir, logFile, port, settings, jvmArgs, List.of());
    }

    /**
     * As {@link #launch(Path, Path, int, Map, List)}, with {@code startArgs} (such as
     * {@code --add-scram ...}) added to the start command at every start.
     */
    static ChildBroker launch(Path dataDir, Path logFile, int port, Map<String, String> settings,
            List<String> jvmArgs, List<String> startArgs) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("listeners", "PLAINTEXT://127.0.0.1:" + port);
        all.put("log.dirs", dataDir.toAbsolutePath().toString());
        all.put("metrics.port", "0");
        all.putAll(settings);
        List<String> args = new ArrayList<>();
        all.forEach((key, value) -> {
            args.add("--override");
            args.add(key + "=" + value);
        });
        args.addAll(startArgs);
        List<String> options = new ArrayList<>(List.of("-Xmx256m", "-XX:+UseSerialGC"));
        options.addAll(jvmArgs);
        options.add("@" + classpathArgFile(logFile));
        JvmProcess process = JvmProcess.builder()
                .mainClass(Main.class.getName())
                .jvmArgs(options.toArray(String[]::new))
                .args(args.toArray(String[]::new))
                .logFile(logFile)
                .build();
        ChildBroker broker = new ChildBroker(process, port, dataDir);
        process.start();
        return broker;
    }

    /**
     * Runs {@link Main} with {@code args} (a subcommand such as {@code recover}) in a child JVM to
     * its end; returns its exit code. Its stdout and stderr go to {@code logFile}.
     */
    static int runCommand(Path logFile, Duration timeout, String... args) {
        JvmProcess process = JvmProcess.builder()
                .mainClass(Main.class.getName())
                .jvmArgs("-Xmx128m", "-XX:+UseSerialGC", "@" + classpathArgFile(logFile))
                .args(args)
                .logFile(logFile)
                .build();
        process.start();
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(50)).until(() -> !process.isAlive());
        } finally {
            process.close();
        }
        return process.exitCode().orElseThrow();
    }

    /**
     * Writes this JVM's classpath as a {@code java} argument file next to the log, so the command
     * line (logged at every start) stays short.
     */
    private static Path classpathArgFile(Path logFile) {
        String classpath = System.getProperty("java.class.path").replace("\\", "\\\\");
        Path argFile = logFile.resolveSibling(logFile.getFileName() + ".classpath");
        try {
            Files.writeString(argFile, "-cp \"" + classpath + "\"\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return argFile.toAbsolutePath();
    }

    /** Waits until the current run has printed its start banner. */
    void awaitStarted() {
        process.awaitLogLine(STARTED, START_TIMEOUT);
    }

    /** {@code 127.0.0.1:<port>}, the same across restarts. */
    String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    Path dataDir() {
        return dataDir;
    }

    Path logFile() {
        return process.logFile();
    }

    /** Kills the broker with SIGKILL and waits until it is gone. */
    void kill9() {
        process.kill9();
        kills++;
    }

    /** Starts the broker again on the same port and data; returns once it serves. */
    void restart() {
        relaunch();
        awaitStarted();
    }

    /** Starts the broker again on the same port and data without waiting: call {@link #awaitStarted()}. */
    void relaunch() {
        process.start();
    }

    /** How many times {@link #kill9()} was called. */
    int kills() {
        return kills;
    }

    /** Whether the broker's process is running. */
    boolean isAlive() {
        return process.isAlive();
    }

    /** Freezes the broker's process (SIGSTOP); see {@link JvmProcess#pause()}. */
    void pause() {
        process.pause();
    }

    /** Lets a paused broker run again (SIGCONT). */
    void resume() {
        process.resume();
    }

    /** Has the running broker print its threads' stacks into its log (see {@link JvmProcess#dumpThreads()}). */
    void dumpThreads() {
        process.dumpThreads();
    }

    /** Throws if the broker died on its own (it should only ever die by {@link #kill9()}). */
    void requireAlive() {
        if (!process.isAlive()) {
            throw new IllegalStateException("The broker exited by itself with code " + process.exitCode()
                    + "; see " + process.logFile());
        }
    }

    /** Stops the broker cleanly (SIGTERM, then SIGKILL after 15 s); {@link #restart()} starts it again. */
    void stop() {
        close();
    }

    /** Stops the broker (SIGTERM, then SIGKILL after 15 s). */
    @Override
    public void close() {
        if (process.isAlive()) {
            process.terminate(Duration.ofSeconds(15));
        }
    }
}
