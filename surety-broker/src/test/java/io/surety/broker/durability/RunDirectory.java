package io.surety.broker.durability;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The directory of one test run under {@code target/durability-it/}: broker data directories and
 * child-process logs. Logs are always kept; data directories are deleted only by {@link #passed()},
 * so a failed run leaves everything for inspection.
 *
 * <p>Not thread-safe: used by the test thread only.
 */
final class RunDirectory {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS");

    private final Path root;
    private final List<Path> dataDirs = new ArrayList<>();

    private RunDirectory(Path root) {
        this.root = root;
    }

    /** Creates {@code target/durability-it/<name>-<timestamp>} (relative to the module directory). */
    static RunDirectory create(String name) {
        Path root = Path.of("target", "durability-it", name + "-" + LocalDateTime.now().format(STAMP)).toAbsolutePath();
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RunDirectory(root);
    }

    /** A data directory {@code <root>/<name>}, created; deleted again by {@link #passed()}. */
    Path dataDir(String name) {
        Path dir = root.resolve(name);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        dataDirs.add(dir);
        return dir;
    }

    /** A log file {@code <root>/<name>.log}; kept after the run. */
    Path logFile(String name) {
        return root.resolve(name + ".log");
    }

    Path root() {
        return root;
    }

    /** Called at the end of a passing test: removes the data directories, keeps the logs. */
    void passed() {
        for (Path dir : dataDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
