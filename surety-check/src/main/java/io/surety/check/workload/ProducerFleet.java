package io.surety.check.workload;

import io.surety.harness.JvmProcess;
import io.surety.semantics.Guarantee;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The producer of one guarantee, as a child process ({@link ProducerMain}) that can be killed
 * with {@code kill -9} and replaced by a new instance, the way an application's producer dies and
 * is restarted. Each instance writes its own history file and has its own id
 * ({@code <guarantee>-p<n>}), so every record stays traceable to the instance that sent it.
 *
 * <p>Not thread-safe: driven by the run's one control thread.
 */
public final class ProducerFleet implements AutoCloseable {

    private static final Duration STOP_GRACE = Duration.ofSeconds(90);

    private final String row;
    private final boolean transactional;
    private final String topic;
    private final Path settingsFile;
    private final Path historyDirectory;
    private final Path logDirectory;
    private final int rate;
    private final int recordSize;
    private final List<Path> historyFiles = new ArrayList<>();
    private JvmProcess current;
    private int instances;

    /**
     * @param settings the producer's complete settings (preset merged with the user's), written to
     *                 a file the child reads
     */
    public ProducerFleet(Guarantee guarantee, String topic, Properties settings, Path runDirectory, int rate,
                         int recordSize) {
        this(guarantee.label(), guarantee == Guarantee.EXACTLY_ONCE, topic, settings, runDirectory, rate, recordSize);
    }

    /**
     * A fleet whose records count in the report's row {@code row} (a guarantee's label, or
     * {@code acks=1}); {@code transactional} for exactly-once.
     */
    public ProducerFleet(String row, boolean transactional, String topic, Properties settings, Path runDirectory,
                         int rate, int recordSize) {
        this.row = row;
        this.transactional = transactional;
        this.topic = topic;
        this.historyDirectory = runDirectory.resolve("history");
        this.logDirectory = runDirectory.resolve("logs");
        this.settingsFile = runDirectory.resolve(fileName(row) + "-producer.properties");
        this.rate = rate;
        this.recordSize = recordSize;
        try {
            Files.createDirectories(historyDirectory);
            Files.createDirectories(logDirectory);
            try (Writer out = Files.newBufferedWriter(settingsFile)) {
                settings.store(out, "producer settings for " + row);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the producer of " + row, e);
        }
    }

    public void start() {
        String id = fileName(row) + "-p" + ++instances;
        Path history = historyDirectory.resolve(id + ".jsonl");
        historyFiles.add(history);
        List<String> args = new ArrayList<>(List.of("--guarantee", row, "--id", id, "--topic", topic,
                "--config", settingsFile.toString(), "--history", history.toString(),
                "--rate", String.valueOf(rate), "--record-size", String.valueOf(recordSize)));
        if (transactional) {
            // About ten transactions a second whatever the rate: each costs a few round trips and
            // fsyncs, so a fixed small size would cap the rate instead of testing it.
            int transactionSize = Math.max(5, Math.min(100, rate / 10));
            args.addAll(List.of("--transaction-size", String.valueOf(transactionSize), "--abort-every", "7"));
        }
        current = JvmProcess.builder()
                .mainClass(ProducerMain.class.getName())
                .classpath(System.getProperty("java.class.path"))
                .jvmArgs("-Xmx256m", "-XX:TieredStopAtLevel=1", "-Dlogback.configurationFile=surety-check-logback.xml")
                .args(args.toArray(String[]::new))
                .logFile(logDirectory.resolve(id + ".log"))
                .build()
                .start();
    }

    /** {@code acks=1} becomes {@code acks1}: a row's label as part of a file name. */
    private static String fileName(String row) {
        return row.replace("=", "");
    }

    /** Kills the running instance with {@code kill -9} and starts the next one. */
    public void crashAndRestart() {
        current.kill9();
        start();
    }

    /** Stops the running instance with SIGTERM: it finishes what it sent, then exits. */
    public void stop() {
        if (current != null && current.isAlive()) {
            current.terminate(STOP_GRACE);
        }
    }

    /** Every history file an instance of this fleet wrote. */
    public List<Path> historyFiles() {
        return List.copyOf(historyFiles);
    }

    @Override
    public void close() {
        if (current != null) {
            current.close();
        }
    }
}
