package io.surety.broker.partition;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high watermarks of a cluster node's replicas, one file per data directory, under Kafka's
 * name and in Kafka's text format ({@code replication-offset-checkpoint}, read and written by
 * Kafka's {@code OffsetCheckpointFile}), so the file reads the same in both:
 *
 * <pre>
 *  0                      version
 *  3                      number of entries
 *  events 0 1500          topic, space, partition, space, high watermark
 *  events 1 1422
 *  orders 0 0
 * </pre>
 *
 * Every line ends with {@code \n}. A topic name never holds a space (Kafka's legal characters are
 * letters, digits, {@code .}, {@code _} and {@code -}). Entries are written sorted by topic and
 * partition; the order carries no meaning.
 *
 * <p>Crash safety: the file is replaced whole ({@link SegmentFiles#writeDurably}: a
 * {@code replication-offset-checkpoint.tmp} written and fsynced, renamed over the file, the
 * directory fsynced), so a crash leaves the old file or the new one, and at worst a stray
 * {@code .tmp}, which the next write replaces.
 *
 * <p>Reading never fails the start. A missing file reads as no entries (a new directory, or one
 * written before this file existed). An unreadable one — another version, a count that does not
 * match the lines, a malformed line, a negative partition or offset, a partition twice, a last line
 * cut short — is reported in one WARN naming the file and reads as no entries too. A replica with no
 * entry starts at its log start offset and waits for its leader, which only delays what consumers
 * see; nothing is ever deleted because of this file.
 *
 * <p>Thread-safety: none of its own; one writer at a time ({@link HighWatermarkStore}).
 */
public final class HighWatermarkCheckpoint {

    /** Kafka's name for the file, in the data directory. */
    public static final String FILE_NAME = "replication-offset-checkpoint";
    private static final Logger LOG = LoggerFactory.getLogger(HighWatermarkCheckpoint.class);
    private static final int VERSION = 0;
    private static final Comparator<TopicPartition> ORDER =
            Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Path file;
    private final FsyncLedger ledger;

    HighWatermarkCheckpoint(Path dataDir, FsyncLedger ledger) {
        this.file = dataDir.resolve(FILE_NAME);
        this.ledger = ledger;
    }

    /** The file's path. */
    Path file() {
        return file;
    }

    /**
     * The high watermarks the file holds; none when it is missing, and none (with one WARN naming
     * the file) when it cannot be read or parsed.
     */
    Map<TopicPartition, Long> read() {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Map.of();
        } catch (IOException e) {
            LOG.warn("Could not read {} ({}); every replica starts at its log start offset and waits for its leader",
                    file, e.toString());
            return Map.of();
        }
        // Decoded leniently: a damaged byte makes the text malformed, not the read fail.
        try {
            return decode(new String(bytes, StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            LOG.warn("Ignoring unreadable {} ({}); every replica starts at its log start offset and waits for its leader",
                    file, e.getMessage());
            return Map.of();
        }
    }

    /** Replaces the file with {@code highWatermarks}, durably (see the class comment). */
    void write(Map<TopicPartition, Long> highWatermarks) throws IOException {
        SegmentFiles.writeDurably(file, ByteBuffer.wrap(encode(highWatermarks).getBytes(StandardCharsets.UTF_8)), ledger);
    }

    /** The file's text for {@code highWatermarks}. */
    static String encode(Map<TopicPartition, Long> highWatermarks) {
        List<TopicPartition> sorted = new ArrayList<>(highWatermarks.keySet());
        sorted.sort(ORDER);
        StringBuilder text = new StringBuilder().append(VERSION).append('\n').append(sorted.size()).append('\n');
        for (TopicPartition tp : sorted) {
            text.append(tp.topic()).append(' ').append(tp.partition()).append(' ').append(highWatermarks.get(tp))
                    .append('\n');
        }
        return text.toString();
    }

    /** Parses the file's text; IllegalArgumentException (NumberFormatException included) when it is malformed. */
    static Map<TopicPartition, Long> decode(String text) {
        if (!text.endsWith("\n")) {
            // Every line ends with a newline: a file cut inside its last number is not taken for whole.
            throw new IllegalArgumentException("no newline at the end");
        }
        List<String> lines = text.lines().toList();
        if (lines.size() < 2 || Integer.parseInt(lines.get(0)) != VERSION) {
            throw new IllegalArgumentException("no version " + VERSION + " header");
        }
        int count = Integer.parseInt(lines.get(1));
        if (count < 0 || lines.size() != count + 2) {
            throw new IllegalArgumentException("expected " + count + " entries, found " + (lines.size() - 2) + " lines");
        }
        Map<TopicPartition, Long> entries = new HashMap<>();
        for (String line : lines.subList(2, lines.size())) {
            String[] fields = line.split(" ", -1);
            if (fields.length != 3 || fields[0].isEmpty()) {
                throw new IllegalArgumentException("malformed entry '" + line + "'");
            }
            int partition = Integer.parseInt(fields[1]);
            long offset = Long.parseLong(fields[2]);
            if (partition < 0 || offset < 0) {
                throw new IllegalArgumentException("negative partition or offset in '" + line + "'");
            }
            if (entries.put(new TopicPartition(fields[0], partition), offset) != null) {
                throw new IllegalArgumentException("partition " + fields[0] + "-" + partition + " twice");
            }
        }
        return Map.copyOf(entries);
    }
}
