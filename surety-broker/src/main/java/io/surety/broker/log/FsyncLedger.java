package io.surety.broker.log;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Records, after each fsync, the length a file had when it was forced to disk. A power-loss test
 * kills the broker with {@code kill -9} and then cuts every file back to the last length written
 * here, which is exactly what a machine losing its page cache would leave.
 *
 * <p>Format: one line per fsync, {@code <length> <absolute path>}. The ledger itself is not
 * fsynced: {@code kill -9} leaves the page cache intact, and power loss is only ever simulated.
 * Thread-safe.
 */
public interface FsyncLedger {

    FsyncLedger NONE = (file, length) -> { };

    void synced(Path file, long length);

    /** A ledger appending to {@code ledgerFile}. */
    static FsyncLedger toFile(Path ledgerFile) {
        return new FsyncLedger() {
            @Override
            public synchronized void synced(Path file, long length) {
                try {
                    Files.writeString(ledgerFile, length + " " + file.toAbsolutePath() + "\n", StandardCharsets.UTF_8,
                            StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }
}
