package io.surety.broker.metadata;

import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.FsyncLedger;
import io.surety.broker.log.SegmentFiles;
import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.apache.kafka.common.Uuid;

/**
 * Persists topic definitions, one file per topic: {@code <data>/topics/<name>.properties} with
 * {@code id}, {@code partitions} and {@code config.<key>} lines. Each file is replaced atomically
 * (temp file, fsync, rename, directory fsync), so a crash leaves the old or the new definition.
 * Writing the file is the commit point of a topic creation; removing it, of a deletion.
 *
 * <p>Not thread-safe: used by {@link TopicRegistry} under its lock.
 */
final class TopicStore {

    private static final String SUFFIX = ".properties";

    private final Path dir;
    private final FsyncLedger ledger;

    TopicStore(Path dataDir, FsyncLedger ledger) throws IOException {
        this.dir = dataDir.resolve("topics");
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
        SegmentFiles.writeDurably(dir.resolve(topic.name() + SUFFIX),
                ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)), ledger);
    }

    void remove(String name) throws IOException {
        Files.deleteIfExists(dir.resolve(name + SUFFIX));
        SegmentFiles.fsyncDirectory(dir);
    }

    List<TopicInfo> loadAll(BrokerConfig broker) throws IOException {
        List<TopicInfo> topics = new ArrayList<>();
        try (var files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(SUFFIX)).sorted().toList()) {
                String fileName = file.getFileName().toString();
                String name = fileName.substring(0, fileName.length() - SUFFIX.length());
                Properties props = new Properties();
                props.load(new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
                Map<String, String> overrides = new LinkedHashMap<>();
                for (String key : props.stringPropertyNames()) {
                    if (key.startsWith("config.")) {
                        overrides.put(key.substring("config.".length()), props.getProperty(key));
                    }
                }
                topics.add(new TopicInfo(name, Uuid.fromString(props.getProperty("id")),
                        Integer.parseInt(props.getProperty("partitions")), TopicConfig.of(broker, overrides)));
            }
        }
        return topics;
    }
}
