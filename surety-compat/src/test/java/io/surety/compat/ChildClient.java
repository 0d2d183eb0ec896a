package io.surety.compat;

import io.surety.harness.JvmProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A client main class from these test sources run as a child JVM on the test JVM's classpath, so
 * a test can {@code kill -9} it: its connections drop without a LeaveGroup or a last commit.
 * The child reports what it did as lines on stdout ({@code PREFIX payload}), which land in its
 * log file; {@link #lines} reads them back.
 *
 * <p>Thread-safe as {@link JvmProcess} is.
 */
final class ChildClient implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final JvmProcess process;

    private ChildClient(JvmProcess process) {
        this.process = process;
    }

    /**
     * Starts {@code mainClass} with {@code args}, logging to {@code logFile}, and waits until it
     * prints a line containing {@code STARTED}.
     */
    static ChildClient start(Class<?> mainClass, List<String> args, Path logFile) {
        JvmProcess process = JvmProcess.builder()
                .mainClass(mainClass.getName())
                .classpath(System.getProperty("java.class.path"))
                // A small client: keep it from competing with the broker for two cores.
                .jvmArgs("-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1")
                .args(args.toArray(String[]::new))
                .logFile(logFile)
                .build()
                .start();
        ChildClient child = new ChildClient(process);
        try {
            child.awaitLine(Pattern.compile("^STARTED"), START_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw e;
        }
        return child;
    }

    /** Waits until the child prints a line matching {@code pattern}; returns that line. */
    String awaitLine(Pattern pattern, Duration timeout) {
        return process.awaitLogLine(pattern, timeout);
    }

    /** The payloads of the lines starting with {@code prefix} and a space, in the order printed. */
    List<String> lines(String prefix) throws IOException {
        String start = prefix + " ";
        List<String> payloads = new ArrayList<>();
        for (String line : Files.readAllLines(process.logFile())) {
            if (line.startsWith(start)) {
                payloads.add(line.substring(start.length()));
            }
        }
        return payloads;
    }

    /** Sends SIGKILL and waits for the child to exit; returns its exit code. */
    int kill9() {
        return process.kill9();
    }

    /** Whether the child is running. */
    boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public void close() {
        process.close();
    }
}
