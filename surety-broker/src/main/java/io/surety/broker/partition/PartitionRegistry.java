package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.Log;
import io.surety.broker.producer.ProducerStateTable;
import io.surety.broker.record.ControlBatches;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The partitions hosted on this node, each in directory {@code <data>/<topic>-<partition>}.
 *
 * <p>Thread-safe: lookups are lock-free; creation and removal are serialised by the caller (the
 * topic operations, one at a time).
 */
public final class PartitionRegistry {

    private static final Logger LOG = LoggerFactory.getLogger(PartitionRegistry.class);
    private static final String DELETE_SUFFIX = "-delete";

    private final Path dataDir;
    private final LogEnvironment environment;
    private final Clock clock;
    private final Partition.HighWatermarkListener listener;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();

    public PartitionRegistry(Path dataDir, LogEnvironment environment, Clock clock,
            Partition.HighWatermarkListener listener) {
        this.dataDir = dataDir;
        this.environment = environment;
        this.clock = clock;
        this.listener = listener;
    }

    /** Opens (recovering if needed) or creates the directory of a partition and registers it. */
    public Partition open(TopicPartition tp, Uuid topicId, TopicConfig config, boolean cleanShutdown) throws IOException {
        ProducerStateTable producers = new ProducerStateTable();
        Log log = Log.open(directoryOf(tp), config, environment, cleanShutdown, clock.millis(), (header, control) -> {
            if (control == null) {
                producers.replay(header);
            } else if (header.hasProducerId()) {
                ControlBatches.Kind kind = ControlBatches.kindOf(control);
                if (kind != ControlBatches.Kind.OTHER) {
                    producers.replayMarker(header, kind == ControlBatches.Kind.COMMIT);
                }
            }
        });
        producers.trimBelow(log.logStartOffset());
        Partition partition = new Partition(tp, topicId, log, producers, listener);
        partitions.put(tp, partition);
        return partition;
    }

    public Partition get(TopicPartition tp) {
        return partitions.get(tp);
    }

    public Collection<Partition> all() {
        return partitions.values();
    }

    /**
     * Unregisters a partition and removes its data: the directory is renamed aside at once (so a new
     * topic of the same name starts clean), and its files are closed and deleted after the delay
     * that lets in-flight reads finish.
     */
    public void delete(TopicPartition tp, long fileDeleteDelayMs) throws IOException {
        Partition partition = partitions.remove(tp);
        if (partition == null) {
            return;
        }
        partition.log().markDeleted();
        Path dir = directoryOf(tp);
        Path aside = dataDir.resolve(dir.getFileName() + "." + Uuid.randomUuid() + DELETE_SUFFIX);
        Files.move(dir, aside);
        environment.closer().closeLater(() -> {
            try {
                partition.log().closeWithoutFlush();
                deleteRecursively(aside);
            } catch (IOException e) {
                LOG.warn("Could not remove deleted partition data {}", aside, e);
            }
        }, fileDeleteDelayMs);
    }

    /** Removes directories left by deletions a crash interrupted, and those of no known topic. */
    public void removeStrayDirectories(java.util.Set<String> expectedDirNames) throws IOException {
        if (!Files.isDirectory(dataDir)) {
            return;
        }
        try (var entries = Files.list(dataDir)) {
            for (Path dir : entries.filter(Files::isDirectory).toList()) {
                String name = dir.getFileName().toString();
                boolean partitionLike = name.matches(".+-\\d+") || name.endsWith(DELETE_SUFFIX);
                if (partitionLike && !expectedDirNames.contains(name)) {
                    LOG.info("Removing partition directory {} that belongs to no topic", dir);
                    deleteRecursively(dir);
                }
            }
        }
    }

    public static String directoryName(TopicPartition tp) {
        return tp.topic() + "-" + tp.partition();
    }

    private Path directoryOf(TopicPartition tp) {
        return dataDir.resolve(directoryName(tp));
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    /** Flushes, checkpoints and closes every partition (clean shutdown). */
    public void closeAll() {
        long now = clock.millis();
        for (Partition partition : partitions.values()) {
            partition.close(now);
        }
        partitions.clear();
    }
}
