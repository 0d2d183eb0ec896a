package io.surety.check.workload;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the acknowledgements written so far to producer history files, for the progress line:
 * the producers run in other processes, so their counters are read from what they wrote. Reads
 * only what was appended since the last call.
 *
 * <p>Not thread-safe: used by the run's control thread.
 */
public final class AckTally {

    private static final String ACK = "\"type\":\"ACK\"";

    private final Map<Path, Long> readUpTo = new HashMap<>();
    private final Map<Path, Long> acks = new HashMap<>();

    /** Acknowledgements in all {@code files}, counting what was appended since the last call. */
    public long count(List<Path> files) {
        long total = 0;
        for (Path file : files) {
            total += acks.merge(file, countNew(file), Long::sum);
        }
        return total;
    }

    private long countNew(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        long from = readUpTo.getOrDefault(file, 0L);
        try (RandomAccessFile in = new RandomAccessFile(file.toFile(), "r")) {
            long length = in.length();
            if (length <= from) {
                return 0;
            }
            byte[] appended = new byte[(int) Math.min(length - from, 8 << 20)];
            in.seek(from);
            in.readFully(appended);
            int lastNewline = lastNewline(appended);
            if (lastNewline < 0) {
                return 0;
            }
            readUpTo.put(file, from + lastNewline + 1);
            String text = new String(appended, 0, lastNewline + 1, StandardCharsets.UTF_8);
            long count = 0;
            for (int at = text.indexOf(ACK); at >= 0; at = text.indexOf(ACK, at + ACK.length())) {
                count++;
            }
            return count;
        } catch (IOException e) {
            return 0; // progress only: try again next time
        }
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }
}
