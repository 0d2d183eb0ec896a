package io.surety.check.cluster;

import io.surety.harness.FreePorts;
import io.surety.harness.JvmProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * A Surety broker the check starts as a child process on a free port of 127.0.0.1, with its data
 * under the run's directory, so that a crash can be a real {@code kill -9} followed by a restart on
 * the same data — what a machine losing its broker process does.
 */
public final class ChildBrokerTarget implements Target {

    private static final Pattern LISTENING = Pattern.compile("listening on");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration STOP_GRACE = Duration.ofSeconds(20);

    private final JvmProcess process;
    private final int port;

    private ChildBrokerTarget(JvmProcess process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the broker from this JVM's classpath and returns once it listens. */
    public static ChildBrokerTarget start(Path runDirectory, int partitions) {
        int port = FreePorts.find();
        JvmProcess process = JvmProcess.builder()
                .mainClass("io.surety.broker.Main")
                .classpath(System.getProperty("java.class.path"))
                .jvmArgs("-Xmx512m", BrokerKind.Surety.LOGGING)
                .args("--override", "listeners=PLAINTEXT://127.0.0.1:" + port,
                        "--override", "log.dirs=" + runDirectory.resolve("broker-data").toAbsolutePath(),
                        "--override", "num.partitions=" + partitions,
                        "--override", "group.initial.rebalance.delay.ms=0",
                        "--override", "metrics.port=0")
                .logFile(runDirectory.resolve("broker.log"))
                .build();
        ChildBrokerTarget target = new ChildBrokerTarget(process, port);
        try {
            process.start().awaitLogLine(LISTENING, START_TIMEOUT);
        } catch (RuntimeException e) {
            process.close();
            throw new IllegalStateException("the Surety broker did not start: " + e.getMessage(), e);
        }
        return target;
    }

    @Override
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    @Override
    public String describe() {
        return "Surety broker started by the check at " + bootstrapServers() + " (default settings: fsync before ack)";
    }

    @Override
    public boolean canCrash() {
        return true;
    }

    @Override
    public void crashAndRestart() {
        process.kill9();
        process.start().awaitLogLine(LISTENING, START_TIMEOUT);
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.terminate(STOP_GRACE);
        }
    }
}
