package io.surety.harness;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Java main class run as a child process, for crash tests: start it, wait for a log line,
 * {@code kill -9} it, start it again on the same data.
 *
 * <p>The child's stdout and stderr go, combined, to one log file, appended to across restarts;
 * each start first appends a line {@code === start <time>: <command>}, and
 * {@link #awaitLogLine} reads only what the current run wrote after it.
 *
 * <p>Thread-safe: {@link #start}, {@link #kill9}, {@link #terminate} and {@link #close} are
 * serialized; the others may run concurrently with them. A child still alive when this JVM exits
 * is killed by a shutdown hook.
 */
public final class JvmProcess implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(JvmProcess.class);
    private static final Duration KILL_TIMEOUT = Duration.ofSeconds(30);
    /** The last line of a HotSpot thread dump. */
    private static final Pattern END_OF_THREAD_DUMP = Pattern.compile("^JNI global refs");
    private static final Duration THREAD_DUMP_TIMEOUT = Duration.ofSeconds(10);
    private static final long POLL_MS = 20;
    private static final int TAIL_LINES = 40;

    private final List<String> command;
    private final Optional<Path> workingDirectory;
    private final Map<String, String> environment;
    private final Path logFile;
    private volatile Process process;
    private volatile long logStartOffset;
    private Thread shutdownHook; // guarded by this

    private JvmProcess(Builder builder) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaExecutable().toString());
        cmd.addAll(builder.jvmArgs);
        if (!builder.classpath.isEmpty()) {
            cmd.add("-cp");
            cmd.add(builder.classpath);
        }
        cmd.add(builder.mainClass);
        cmd.addAll(builder.args);
        this.command = List.copyOf(cmd);
        this.workingDirectory = builder.workingDirectory;
        this.environment = Map.copyOf(builder.environment);
        this.logFile = builder.logFile;
    }

    /** Returns an empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** The {@code java} launcher of the JVM running this code (Unix layout). */
    public static Path javaExecutable() {
        return Path.of(System.getProperty("java.home"), "bin", "java");
    }

    /** The full command line: java, JVM args, classpath, main class, program args. */
    public List<String> command() {
        return command;
    }

    /** The file receiving the child's stdout and stderr. */
    public Path logFile() {
        return logFile;
    }

    /**
     * Launches the child; may be called again once the previous run has exited.
     *
     * @throws IllegalStateException if the child is alive
     * @throws UncheckedIOException if the log file cannot be written or the JVM cannot start
     */
    public synchronized JvmProcess start() {
        if (isAlive()) {
            throw new IllegalStateException("already running as pid " + process.pid());
        }
        try {
            Path parent = logFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String marker = "=== start " + Instant.now() + ": " + String.join(" ", command) + System.lineSeparator();
            Files.writeString(logFile, marker, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            logStartOffset = Files.size(logFile);
            ProcessBuilder builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
            workingDirectory.ifPresent(dir -> builder.directory(dir.toFile()));
            builder.environment().putAll(environment);
            Process started = builder.start();
            process = started;
            removeShutdownHook();
            shutdownHook = new Thread(started::destroyForcibly, "jvm-process-reaper-" + started.pid());
            Runtime.getRuntime().addShutdownHook(shutdownHook);
            LOG.info("started pid {}: {}", started.pid(), String.join(" ", command));
            return this;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + String.join(" ", command), e);
        }
    }

    /**
     * The operating-system id of the current (or last) run.
     *
     * @throws IllegalStateException if never started
     */
    public long pid() {
        return started().pid();
    }

    /** Whether the child is running now. */
    public boolean isAlive() {
        Process p = process;
        return p != null && p.isAlive();
    }

    /** The exit code of the last run; empty if never started or still running. */
    public OptionalInt exitCode() {
        Process p = process;
        return p == null || p.isAlive() ? OptionalInt.empty() : OptionalInt.of(p.exitValue());
    }

    /**
     * Sends SIGKILL and waits until the child has exited; does nothing to a child already dead.
     *
     * @return the exit code (137 on Linux when the signal killed it)
     * @throws IllegalStateException if never started or the child outlives the kill for 30 s
     */
    public synchronized int kill9() {
        Process p = started();
        if (p.isAlive()) {
            LOG.info("killing pid {} (SIGKILL)", p.pid());
            p.destroyForcibly();
        }
        return awaitExit(p, KILL_TIMEOUT).orElseThrow(
            () -> new IllegalStateException("pid " + p.pid() + " still alive " + KILL_TIMEOUT + " after SIGKILL"));
    }

    /**
     * Asks a running child for a thread dump (SIGQUIT): the JVM prints every thread's stack to its
     * standard output, which is the log file, and keeps running. For a test that timed out waiting
     * on a child, so the log says where each thread was. Returns once the dump is written (at most
     * 10 s). Does nothing to a child already dead.
     */
    public synchronized void dumpThreads() {
        Process p = started();
        if (!p.isAlive()) {
            return;
        }
        LOG.info("asking pid {} for a thread dump (SIGQUIT) into {}", p.pid(), logFile);
        try {
            signal(p, "QUIT");
            awaitLogLine(END_OF_THREAD_DUMP, THREAD_DUMP_TIMEOUT);
        } catch (IllegalStateException | UncheckedIOException e) {
            LOG.warn("no thread dump of pid {}: {}", p.pid(), e.toString());
        }
    }

    /**
     * Freezes the child (SIGSTOP): every thread stops at once and nothing it holds is released, as
     * in a long GC pause or a VM migration; its sockets stay open. {@link #resume} lets it go on.
     *
     * @throws IllegalStateException if never started or the child is dead
     */
    public synchronized void pause() {
        Process p = requireAlive();
        LOG.info("pausing pid {} (SIGSTOP)", p.pid());
        signal(p, "STOP");
    }

    /**
     * Lets a paused child run again (SIGCONT).
     *
     * @throws IllegalStateException if never started or the child is dead
     */
    public synchronized void resume() {
        Process p = requireAlive();
        LOG.info("resuming pid {} (SIGCONT)", p.pid());
        signal(p, "CONT");
    }

    private Process requireAlive() {
        Process p = started();
        if (!p.isAlive()) {
            throw new IllegalStateException("pid " + p.pid() + " is not running");
        }
        return p;
    }

    /** Sends signal {@code name} to {@code p} with the system's {@code kill}, as Java has no call for it. */
    private static void signal(Process p, String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(p.pid())).redirectErrorStream(true).start();
            if (!kill.waitFor(KILL_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || kill.exitValue() != 0) {
                kill.destroyForcibly();
                throw new IllegalStateException("kill -" + name + " " + p.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run kill -" + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while sending SIG" + name + " to " + p.pid(), e);
        }
    }

    /**
     * Sends SIGTERM, waits up to {@code gracePeriod} for the child to exit, then sends SIGKILL.
     *
     * @return the exit code (143 on Linux when a JVM exits on SIGTERM)
     * @throws IllegalStateException if never started
     */
    public synchronized int terminate(Duration gracePeriod) {
        Process p = started();
        if (p.isAlive()) {
            LOG.info("terminating pid {} (SIGTERM, up to {})", p.pid(), gracePeriod);
            p.destroy();
        }
        OptionalInt code = awaitExit(p, gracePeriod);
        if (code.isPresent()) {
            return code.getAsInt();
        }
        LOG.warn("pid {} still alive {} after SIGTERM", p.pid(), gracePeriod);
        return kill9();
    }

    /**
     * Waits until a line the current run wrote (since {@link #start}) contains a match for
     * {@code pattern}, and returns that line. Lines written before the call count.
     *
     * @throws IllegalStateException if the child exits or {@code timeout} passes first (the
     *     message holds the last lines of the log), or if the waiting thread is interrupted
     */
    public String awaitLogLine(Pattern pattern, Duration timeout) {
        Process p = started();
        LogScanner scanner = new LogScanner(logFile, logStartOffset, TAIL_LINES);
        long deadlineNs = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                boolean exited = !p.isAlive();
                Optional<String> line = scanner.find(pattern, exited);
                if (line.isPresent()) {
                    return line.get();
                }
                if (exited) {
                    throw new IllegalStateException("pid " + p.pid() + " exited with code " + p.exitValue()
                        + " before printing a line matching '" + pattern + "'; last lines of " + logFile + ":"
                        + System.lineSeparator() + scanner.tail());
                }
                if (System.nanoTime() - deadlineNs >= 0) {
                    throw new IllegalStateException("pid " + p.pid() + " printed no line matching '" + pattern
                        + "' within " + timeout + "; last lines of " + logFile + ":"
                        + System.lineSeparator() + scanner.tail());
                }
                p.waitFor(POLL_MS, TimeUnit.MILLISECONDS);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + logFile, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for '" + pattern + "' in " + logFile, e);
        }
    }

    /** Kills the child (SIGKILL) if it is alive. */
    @Override
    public synchronized void close() {
        if (process != null) {
            kill9();
        }
    }

    private Process started() {
        Process p = process;
        if (p == null) {
            throw new IllegalStateException("not started");
        }
        return p;
    }

    /** Waits up to {@code timeout} for exit; once exited, removes the shutdown hook. */
    private OptionalInt awaitExit(Process p, Duration timeout) {
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                return OptionalInt.empty();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for pid " + p.pid() + " to exit", e);
        }
        removeShutdownHook();
        return OptionalInt.of(p.exitValue());
    }

    private void removeShutdownHook() {
        if (shutdownHook == null) {
            return;
        }
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException alreadyShuttingDown) {
            // the hook is running or about to: it kills the child, which is what we want
        }
        shutdownHook = null;
    }

    /**
     * How to launch a {@link JvmProcess}. Not thread-safe; use on one thread, then discard.
     */
    public static final class Builder {

        private String mainClass = "";
        private String classpath = "";
        private final List<String> jvmArgs = new ArrayList<>();
        private final List<String> args = new ArrayList<>();
        private Optional<Path> workingDirectory = Optional.empty();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Path logFile;

        private Builder() {
        }

        /** The fully qualified name of the class whose {@code main} runs. Required. */
        public Builder mainClass(String mainClass) {
            this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
            return this;
        }

        /** The classpath, as for {@code -cp}; default none (the child's default applies). */
        public Builder classpath(String classpath) {
            this.classpath = Objects.requireNonNull(classpath, "classpath");
            return this;
        }

        /** The classpath as entries, joined with the platform's path separator. */
        public Builder classpath(List<Path> entries) {
            return classpath(entries.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator)));
        }

        /** Adds JVM options (placed before {@code -cp}), such as {@code -Xmx256m} or {@code -Dkey=value}. */
        public Builder jvmArgs(String... jvmArgs) {
            this.jvmArgs.addAll(List.of(jvmArgs));
            return this;
        }

        /** Adds arguments passed to {@code main}. */
        public Builder args(String... args) {
            this.args.addAll(List.of(args));
            return this;
        }

        /** The child's working directory; default this process's. */
        public Builder workingDirectory(Path directory) {
            this.workingDirectory = Optional.of(directory);
            return this;
        }

        /** Adds or overrides one variable of the environment inherited from this process. */
        public Builder env(String name, String value) {
            environment.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /** The file for the child's combined stdout and stderr, appended to. Required. */
        public Builder logFile(Path logFile) {
            this.logFile = Objects.requireNonNull(logFile, "logFile");
            return this;
        }

        /**
         * Returns the process, not yet started.
         *
         * @throws IllegalStateException if the main class or the log file is missing
         */
        public JvmProcess build() {
            if (mainClass.isEmpty()) {
                throw new IllegalStateException("mainClass is required");
            }
            if (logFile == null) {
                throw new IllegalStateException("logFile is required");
            }
            return new JvmProcess(this);
        }
    }
}
