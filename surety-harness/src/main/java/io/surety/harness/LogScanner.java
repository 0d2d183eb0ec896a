package io.surety.harness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads a growing log file from a start offset, line by line (UTF-8, {@code \n} or {@code \r\n}),
 * looking for a line that matches, and remembers the last lines seen for error messages.
 *
 * <p>Not thread-safe: one scanner per waiting caller.
 */
final class LogScanner {

    private final Path file;
    private final int tailLines;
    private final ArrayDeque<String> tail;
    private final ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    private final ByteBuffer buffer = ByteBuffer.allocate(8192);
    private long position;

    LogScanner(Path file, long startOffset, int tailLines) {
        this.file = file;
        this.position = startOffset;
        this.tailLines = tailLines;
        this.tail = new ArrayDeque<>(tailLines);
    }

    /**
     * Reads what the file gained since the last call and returns the first complete line matching
     * {@code pattern}; if {@code atEnd} (the writer has exited), an unterminated last line counts.
     */
    Optional<String> find(Pattern pattern, boolean atEnd) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            while (true) {
                buffer.clear();
                int read = channel.read(buffer, position);
                if (read <= 0) {
                    break;
                }
                position += read;
                buffer.flip();
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b != '\n') {
                        partialLine.write(b);
                        continue;
                    }
                    String line = endLine();
                    if (pattern.matcher(line).find()) {
                        return Optional.of(line);
                    }
                }
            }
        }
        if (atEnd && partialLine.size() > 0) {
            String line = endLine();
            if (pattern.matcher(line).find()) {
                return Optional.of(line);
            }
        }
        return Optional.empty();
    }

    /** The last lines seen, oldest first, then any unterminated line, joined with newlines. */
    String tail() {
        ArrayDeque<String> lines = new ArrayDeque<>(tail);
        if (partialLine.size() > 0) {
            lines.addLast(partialLine.toString(StandardCharsets.UTF_8));
        }
        return String.join(System.lineSeparator(), lines);
    }

    private String endLine() {
        String line = partialLine.toString(StandardCharsets.UTF_8);
        partialLine.reset();
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (tail.size() == tailLines) {
            tail.removeFirst();
        }
        tail.addLast(line);
        return line;
    }
}
