package io.surety.broker.durability;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Simulates a power loss on a broker's data directory after the broker was killed: every file the
 * fsync ledger ({@code <data>/fsync-ledger.log}, written with {@code surety.fsync.ledger.enable=true})
 * names is cut back to the last length recorded for it, and every segment file it never names is
 * cut to 0 bytes (it was never synced). What the page cache held beyond that is gone, as it would
 * be when a machine loses power.
 *
 * <p>Ledger format: one line per fsync, {@code <length> <absolute path>}; later lines win.
 *
 * <p>Files the broker does not write through the ledger are left whole. In cluster mode that is
 * the metadata quorum's storage ({@code __metadata-raft}): Ratis forces its own log before it
 * counts an entry as flushed, the ledger never sees those fsyncs, and none of its files is named
 * like a segment; cutting it blindly would model a disk that loses synced data, not a power loss.
 *
 * <p>Run only on a directory no process is writing. Stateless.
 */
final class PowerLoss {

    static final String LEDGER_FILE = "fsync-ledger.log";
    private static final Pattern SEGMENT_FILE = Pattern.compile("\\d{20}\\.log");

    /** What the simulation removed. */
    record Result(int ledgerEntries, int filesCut, int segmentsEmptied, long bytesDropped) {
    }

    private PowerLoss() {
    }

    /** Applies the power loss to {@code dataDir}. */
    static Result apply(Path dataDir) throws IOException {
        Map<Path, Long> syncedLength = readLedger(dataDir.resolve(LEDGER_FILE));
        int filesCut = 0;
        int segmentsEmptied = 0;
        long bytesDropped = 0;
        for (Map.Entry<Path, Long> entry : syncedLength.entrySet()) {
            long dropped = cut(entry.getKey(), entry.getValue());
            if (dropped > 0) {
                filesCut++;
                bytesDropped += dropped;
            }
        }
        for (Path segment : segmentFiles(dataDir)) {
            if (!syncedLength.containsKey(segment.toAbsolutePath())) {
                long dropped = cut(segment, 0);
                segmentsEmptied++;
                bytesDropped += dropped;
            }
        }
        return new Result(syncedLength.size(), filesCut, segmentsEmptied, bytesDropped);
    }

    private static Map<Path, Long> readLedger(Path ledger) throws IOException {
        Map<Path, Long> lengths = new HashMap<>();
        if (!Files.exists(ledger)) {
            return lengths;
        }
        for (String line : Files.readAllLines(ledger, StandardCharsets.UTF_8)) {
            int space = line.indexOf(' ');
            if (space <= 0) {
                continue;
            }
            lengths.put(Path.of(line.substring(space + 1)).toAbsolutePath(), Long.parseLong(line.substring(0, space)));
        }
        return lengths;
    }

    private static List<Path> segmentFiles(Path dataDir) throws IOException {
        try (Stream<Path> files = Files.walk(dataDir)) {
            return files.filter(Files::isRegularFile)
                    .filter(file -> SEGMENT_FILE.matcher(file.getFileName().toString()).matches())
                    .toList();
        }
    }

    /** Truncates {@code file} to {@code length} if it is longer; returns the bytes removed. */
    private static long cut(Path file, long length) throws IOException {
        if (!Files.exists(file)) {
            return 0;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = channel.size();
            if (size <= length) {
                return 0;
            }
            channel.truncate(length);
            return size - length;
        }
    }
}
