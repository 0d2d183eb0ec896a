package io.surety.check.history;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;

/**
 * Appends history events to a JSON-lines file. Each event is handed to the operating system as
 * soon as it is written (no user-space buffer), so a process killed with {@code kill -9} leaves
 * every event it wrote in the file: a crash test must not lose the evidence of what happened
 * just before the crash.
 *
 * <p>Thread-safe: lines from concurrent writers never interleave.
 *
 * <p>Implementation notes: a {@link FileOutputStream}, not {@code Files.newOutputStream}, whose
 * channel is closed for good when a writing thread is interrupted; the fault injector writes
 * FAULT_END and FAULT_FAILED while it is being stopped by an interrupt.
 */
public final class HistoryWriter implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final OutputStream out;

    private HistoryWriter(OutputStream out) {
        this.out = out;
    }

    /** Opens {@code file} for appending, creating it if needed. */
    public static HistoryWriter append(Path file) {
        try {
            return new HistoryWriter(new FileOutputStream(file.toFile(), true));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open history file " + file, e);
        }
    }

    public void write(HistoryEvent event) {
        try {
            byte[] line = JSON.writeValueAsBytes(event);
            synchronized (this) {
                out.write(line);
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write history", e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            out.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close history", e);
        }
    }
}
