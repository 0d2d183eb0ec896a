package io.surety.broker.partition;

import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;

/**
 * The topic id a replica's directory holds data of, in Kafka's {@code partition.metadata} file:
 * <pre>
 * version: 0
 * topic_id: &lt;the topic id, Kafka's base64 form&gt;
 * </pre>
 * It is what proves whose data a directory is: a cluster node removes a replica of a deleted or
 * moved topic only when this file names that topic's id, never because of the directory's name
 * (a topic deleted and created again has the same name and a new id).
 *
 * <p>Written when a cluster replica's directory is first opened, before anything is appended to it,
 * with {@link SegmentFiles#writeDurably} (temp file, fsync, rename, directory fsync): a crash
 * leaves no file or the whole file, never a torn one. Never rewritten afterwards. Not thread-safe
 * by itself: a directory's file is written only by its opener.
 */
public final class PartitionMetadataFile {

    /** Kafka's name, so Kafka's own tools read the same file. */
    public static final String FILE_NAME = "partition.metadata";
    private static final int VERSION = 0;

    private PartitionMetadataFile() {
    }

    /** Writes {@code dir}'s topic id, durably. */
    static void write(Path dir, Uuid topicId, FsyncLedger ledger) throws IOException {
        String text = "version: " + VERSION + "\ntopic_id: " + topicId + "\n";
        SegmentFiles.writeDurably(dir.resolve(FILE_NAME), ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)),
                ledger);
    }

    /**
     * The topic id {@code dir}'s file names; empty when the directory or its file does not exist.
     *
     * @throws IOException naming the file when it cannot be read or is not in the format above
     */
    public static Optional<Uuid> read(Path dir) throws IOException {
        Path file = dir.resolve(FILE_NAME);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        if (lines.size() < 2 || !lines.get(0).trim().equals("version: " + VERSION)
                || !lines.get(1).startsWith("topic_id:")) {
            throw new IOException(file + " is not a version " + VERSION + " partition metadata file");
        }
        try {
            Uuid id = Uuid.fromString(lines.get(1).substring("topic_id:".length()).trim());
            if (id.equals(Uuid.ZERO_UUID)) {
                throw new IOException(file + " names the zero topic id");
            }
            return Optional.of(id);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " holds no valid topic id: " + e.getMessage(), e);
        }
    }
}
