package io.surety.broker;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * A data directory for a test class that is deleted after the class only if every test passed;
 * otherwise it is kept and its path printed, so a failed integration test can be examined.
 * Register as a static {@code @RegisterExtension} field.
 */
final class KeepDataOnFailure implements TestWatcher, AfterAllCallback {

    private final Path dir;
    private volatile boolean failed;

    KeepDataOnFailure(String prefix) {
        try {
            this.dir = Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    Path dir() {
        return dir;
    }

    /** Marks the data as needed for diagnosis, e.g. when a check fails outside a test method. */
    void markFailed() {
        failed = true;
    }

    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        failed = true;
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (failed || context.getExecutionException().isPresent()) {
            System.out.println("Keeping the data directory of the failed test: " + dir);
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
