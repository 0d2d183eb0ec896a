package io.surety.broker.metadata;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import io.surety.broker.log.StartRefusedException;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.config.ConfigException;

/**
 * Persists topic definitions, one file per topic: {@code <data>/topics/<name>.properties} with
 * {@code id}, {@code partitions} and {@code config.<key>} lines. Each file is replaced atomically
 * (temp file, fsync, rename, directory fsync), so a crash leaves the old or the new definition.
 * Writing the file is the commit point of a topic creation.
 *
 * <p>Deletion is recorded before any data goes: the file is renamed to
 * {@code <name>.<id>.deleting} (the commit point of the deletion; the directory is fsynced), and
 * that record is removed only once the partitions' data is gone, so a start can finish exactly
 * the deletions that were decided — and nothing else.
 *
 * <p>A file that cannot be read back as a topic definition refuses the start
 * ({@link StartRefusedException}) naming the file: it was written atomically, so damage means
 * something outside Surety changed it, and guessing would risk the topic's data.
 *
 * <p>Not thread-safe: used by {@link TopicRegistry} under its lock.
 */
final class TopicStore {

    static final String DIRECTORY = "topics";
    private static final String SUFFIX = ".properties";
    private static final String DELETING_SUFFIX = ".deleting";

    private final Path dir;
    private final FsyncLedger ledger;

    TopicStore(Path dataDir, FsyncLedger ledger) throws IOException {
        this.dir = dataDir.resolve(DIRECTORY);
        this.ledger = ledger;
        Files.createDirectories(dir);
    }

    void write(TopicInfo topic) throws IOException {
        Map<String, String> lines = new TreeMap<>();
        lines.put("id", topic.id().toString());
        lines.put("partitions", Integer.toString(topic.partitionCount()));
        topic.config().overrides().forEach((k, v) -> lines.put("config." + k, v));
        Properties props = new Properties();
        props.putAll(lines);
        StringWriter out = new StringWriter();
        props.store(out, "Surety topic " + topic.name());
        SegmentFiles.writeDurably(fileOf(topic.name()),
                ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), ledger);
    }

    /** Durably records that {@code topic} is deleted: the commit point of the deletion. */
    void markDeleting(TopicInfo topic) throws IOException {
        Files.move(fileOf(topic.name()), deletingFileOf(topic.name(), topic.id()), StandardCopyOption.ATOMIC_MOVE);
        SegmentFiles.fsyncDirectory(dir);
    }

    /** Forgets a deletion whose data is gone. */
    void forgetDeleted(DeletedTopic topic) throws IOException {
        Files.deleteIfExists(deletingFileOf(topic.name(), topic.id()));
        SegmentFiles.fsyncDirectory(dir);
    }

    /** Every topic defined, in name order. */
    List<TopicInfo> loadAll(BrokerConfig broker) throws IOException {
        List<TopicInfo> topics = new ArrayList<>();
        for (Path file : files(SUFFIX)) {
            String fileName = file.getFileName().toString();
            String name = fileName.substring(0, fileName.length() - SUFFIX.length());
            Properties props = read(file);
            Map<String, String> overrides = new LinkedHashMap<>();
            for (String key : props.stringPropertyNames()) {
                if (key.startsWith("config.")) {
                    overrides.put(key.substring("config.".length()), props.getProperty(key));
                }
            }
            TopicConfig config;
            try {
                config = TopicConfig.of(broker, overrides);
            } catch (ConfigException e) {
                throw damaged(file, e.getMessage());
            }
            topics.add(new TopicInfo(name, id(file, props), partitionCount(file, props), config));
        }
        return topics;
    }

    /** The deletions recorded and not yet finished. */
    List<DeletedTopic> pendingDeletes() throws IOException {
        List<DeletedTopic> deletes = new ArrayList<>();
        for (Path file : files(DELETING_SUFFIX)) {
            String fileName = file.getFileName().toString();
            Properties props = read(file);
            Uuid id = id(file, props);
            String idPart = "." + id + DELETING_SUFFIX;
            if (!fileName.endsWith(idPart) || fileName.length() == idPart.length()) {
                throw damaged(file, "its name does not end with the topic id " + id + " it holds");
            }
            deletes.add(new DeletedTopic(fileName.substring(0, fileName.length() - idPart.length()), id,
                    partitionCount(file, props)));
        }
        return deletes;
    }

    private List<Path> files(String suffix) throws IOException {
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    private static Properties read(Path file) throws IOException {
        Properties props = new Properties();
        try {
            props.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
        } catch (java.nio.charset.MalformedInputException | IllegalArgumentException e) {
            throw damaged(file, "it is not a properties text file");
        }
        return props;
    }

    private static Uuid id(Path file, Properties props) throws StartRefusedException {
        String id = props.getProperty("id");
        if (id == null) {
            throw damaged(file, "it has no id");
        }
        try {
            return Uuid.fromString(id.trim());
        } catch (IllegalArgumentException e) {
            throw damaged(file, "id '" + id + "' is not a topic id");
        }
    }

    private static int partitionCount(Path file, Properties props) throws StartRefusedException {
        String partitions = props.getProperty("partitions");
        if (partitions == null) {
            throw damaged(file, "it has no partitions");
        }
        try {
            int count = Integer.parseInt(partitions.trim());
            if (count > 0) {
                return count;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw damaged(file, "partitions '" + partitions + "' is not a positive number");
    }

    private static StartRefusedException damaged(Path file, String what) {
        return new StartRefusedException("Topic metadata file " + file + " is damaged: " + what + ". Restore it "
                + "from a backup; the topic's data is kept and nothing is deleted while the file is damaged");
    }

    private Path fileOf(String name) {
        return dir.resolve(name + SUFFIX);
    }

    private Path deletingFileOf(String name, Uuid id) {
        return dir.resolve(name + "." + id + DELETING_SUFFIX);
    }
}
