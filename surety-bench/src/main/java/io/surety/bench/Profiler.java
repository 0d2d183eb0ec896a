package io.surety.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code --profile}: a JDK Flight Recording of the broker during the first measured trial of each
 * workload, started and stopped with {@code jcmd} (JFR's "profile" settings: CPU samples every
 * 10 ms, allocations, locks, I/O), written as {@code <broker>-<workload>.jfr} under the run's
 * directory (one per node of a cluster, as {@code <broker>-<workload>-<pid>.jfr}). Off, it does nothing. Not thread-safe.
 */
final class Profiler {

    private static final String RECORDING = "surety-bench";

    private final Path directory;
    private final Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");

    private Profiler(Path directory) {
        this.directory = directory;
    }

    static Profiler off() {
        return new Profiler(null);
    }

    static Profiler into(Path directory) throws IOException {
        return new Profiler(Files.createDirectories(directory));
    }

    void start(BenchBroker broker, Contender contender, Workload workload) throws IOException {
        if (directory == null) {
            return;
        }
        String file = (contender.name() + "-" + workload.name()).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-");
        List<Long> pids = broker.pids();
        for (long pid : pids) {
            String suffix = pids.size() == 1 ? ".jfr" : "-" + pid + ".jfr";
            jcmd(pid, "JFR.start", "name=" + RECORDING, "settings=profile", "filename=" + directory.resolve(file + suffix));
        }
    }

    void stop(BenchBroker broker) throws IOException {
        if (directory != null) {
            for (long pid : broker.pids()) {
                jcmd(pid, "JFR.stop", "name=" + RECORDING);
            }
        }
    }

    private void jcmd(long pid, String... command) throws IOException {
        List<String> args = new ArrayList<>(List.of(jcmd.toString(), Long.toString(pid)));
        args.addAll(List.of(command));
        Process process = new ProcessBuilder(args).redirectErrorStream(true).start();
        try {
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(Duration.ofMinutes(1).toMillis(), TimeUnit.MILLISECONDS)
                    || process.exitValue() != 0) {
                throw new IOException("jcmd " + String.join(" ", command) + " failed: " + output.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("Interrupted while running jcmd", e);
        }
    }
}
