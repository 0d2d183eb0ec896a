package io.surety.broker.partition;

import io.surety.broker.config.TopicConfig;
import io.surety.broker.log.LogEnvironment;
import io.surety.broker.log.Log;
import io.surety.broker.log.SegmentFiles;
import io.surety.broker.producer.ProducerStateTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.protocol.Errors;
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
    /** Kafka's suffix for a replica the metadata no longer gives this node, found at start: kept, not deleted. */
    private static final String STRAY_SUFFIX = "-stray";

    private final Path dataDir;
    private final LogEnvironment environment;
    private final Clock clock;
    private final Partition.HighWatermarkListener listener;
    private final Map<TopicPartition, Partition> partitions = new ConcurrentHashMap<>();
    /** Cluster mode only: where replicas' high watermarks are kept across restarts. */
    private final Optional<HighWatermarkStore> highWatermarks;

    /** A single node's partitions (no high-watermark checkpoint). */
    public PartitionRegistry(Path dataDir, LogEnvironment environment, Clock clock,
            Partition.HighWatermarkListener listener) {
        this(dataDir, environment, clock, listener, Optional.empty());
    }

    /**
     * With {@code highWatermarks} present (cluster mode), a replica opened with {@code solo} false
     * starts at the high watermark checkpointed for it, and {@link #checkpointHighWatermarks} and
     * {@link #closeAll} write them.
     */
    public PartitionRegistry(Path dataDir, LogEnvironment environment, Clock clock,
            Partition.HighWatermarkListener listener, Optional<HighWatermarkStore> highWatermarks) {
        this.dataDir = dataDir;
        this.environment = environment;
        this.clock = clock;
        this.listener = listener;
        this.highWatermarks = highWatermarks;
    }

    /**
     * Opens (recovering if needed) or creates the directory of a partition and registers it; on a
     * single node the partition leads at once, in a leader epoch above every one its log has seen.
     */
    public Partition open(TopicPartition tp, Uuid topicId, TopicConfig config, boolean cleanShutdown) throws IOException {
        return open(tp, topicId, config, cleanShutdown, true);
    }

    /**
     * Opens or creates a partition; with {@code solo} false (a replica of a cluster) it has no leader
     * until the cluster metadata gives it a role ({@link Partition#replication()}), and its high
     * watermark starts at the value checkpointed for it, or at its log start
     * ({@link Replication#restoreHighWatermark}). Such a replica's directory records
     * {@code topicId} in its {@link PartitionMetadataFile} before anything is appended; a directory
     * whose file names another id is not opened (an {@link IOException} saying so) and is left as it is.
     */
    public Partition open(TopicPartition tp, Uuid topicId, TopicConfig config, boolean cleanShutdown, boolean solo)
            throws IOException {
        Path dir = directoryOf(tp);
        boolean idRecorded = false;
        if (!solo) {
            Optional<Uuid> recorded = PartitionMetadataFile.read(dir);
            if (recorded.isPresent() && !recorded.get().equals(topicId)) {
                throw new IOException(dir + " holds topic id " + recorded.get() + " (its " + PartitionMetadataFile.FILE_NAME
                        + "), not " + topicId + "; it is kept and not opened");
            }
            idRecorded = recorded.isPresent();
        }
        ProducerStateTable producers = new ProducerStateTable();
        Log log = Log.open(dir, config, environment, cleanShutdown, clock.millis(),
                Partition.replayInto(producers));
        if (!solo && !idRecorded) {
            // Before any append: from here on the directory proves whose data it holds.
            PartitionMetadataFile.write(dir, topicId, environment.ledger());
        }
        producers.trimBelow(log.logStartOffset());
        Partition partition = new Partition(tp, topicId, log, producers, listener);
        if (solo) {
            partition.becomeLeader();
        } else if (highWatermarks.isPresent()) {
            partition.replication().restoreHighWatermark(highWatermarks.get().takeStartingHighWatermark(tp));
        }
        partitions.put(tp, partition);
        return partition;
    }

    /** Whether the partition's directory exists (a replica this node hosts or hosted). */
    public boolean hasDirectory(TopicPartition tp) {
        return java.nio.file.Files.isDirectory(directoryOf(tp));
    }

    public Partition get(TopicPartition tp) {
        return partitions.get(tp);
    }

    public Collection<Partition> all() {
        return partitions.values();
    }

    /**
     * Unregisters the partitions of a topic whose deletion is recorded and removes their data: each
     * directory is renamed aside at once to {@code <topic>-<p>.<topic id>-delete} (so a new topic of
     * the same name starts clean), and the files are closed and deleted after
     * {@code fileDeleteDelayMs}, which lets in-flight reads finish; then {@code whenGone} runs. If
     * removing fails, the record stays and the next start finishes the job ({@link #finishDelete}).
     * acks=all appends still waiting on a removed partition are answered NOT_LEADER_OR_FOLLOWER.
     */
    public void deleteTopic(String topic, Uuid topicId, int partitionCount, long fileDeleteDelayMs, Runnable whenGone)
            throws IOException {
        List<TopicPartition> all = new ArrayList<>();
        for (int p = 0; p < partitionCount; p++) {
            all.add(new TopicPartition(topic, p));
        }
        deleteReplicas(topicId, all, fileDeleteDelayMs, whenGone);
    }

    /**
     * Like {@link #deleteTopic}, for some replicas of topic {@code topicId} (a cluster node's replicas
     * of a deleted topic, or moved away from it). A replica open under another topic id, or a
     * directory whose {@code partition.metadata} names another id, is not this topic's data: it is
     * left alone with a WARN.
     */
    public void deleteReplicas(Uuid topicId, List<TopicPartition> replicas, long fileDeleteDelayMs, Runnable whenGone)
            throws IOException {
        List<Partition> removed = new ArrayList<>();
        List<Path> asides = new ArrayList<>();
        String topic = replicas.isEmpty() ? "?" : replicas.get(0).topic();
        for (TopicPartition tp : replicas) {
            if (!mayHold(tp, topicId)) {
                continue;
            }
            Partition partition = partitions.remove(tp);
            if (partition != null) {
                partition.log().markDeleted();
                // acks=all appends waiting for followers will never be committed here: answer them now.
                partition.replication().failWaiters(Errors.NOT_LEADER_OR_FOLLOWER);
                removed.add(partition);
            }
            Path dir = directoryOf(tp);
            if (Files.exists(dir)) {
                Path aside = asideOf(tp, topicId);
                Files.move(dir, aside);
                asides.add(aside);
            }
        }
        environment.closer().closeLater(() -> {
            try {
                for (Partition partition : removed) {
                    partition.log().closeWithoutFlush();
                }
                for (Path aside : asides) {
                    deleteRecursively(aside);
                }
                whenGone.run();
            } catch (IOException e) {
                LOG.warn("Could not remove the data of deleted topic {} (id {}); the next start finishes it",
                        topic, topicId, e);
            }
        }, fileDeleteDelayMs);
    }

    /**
     * At start, before any partition opens: removes what a stop or crash left of a recorded
     * deletion — the directories renamed aside, and the partition directories themselves when the
     * crash came before the rename. With {@code nameTaken} a topic of the same name exists again
     * (created after the deletion): the partition directories are its own and stay.
     */
    public void finishDelete(String topic, Uuid topicId, int partitionCount, boolean nameTaken) throws IOException {
        for (int p = 0; p < partitionCount; p++) {
            TopicPartition tp = new TopicPartition(topic, p);
            deleteRecursively(asideOf(tp, topicId));
            if (!nameTaken && mayHold(tp, topicId)) {
                deleteRecursively(directoryOf(tp));
            }
        }
        LOG.info("Finished the recorded deletion of topic {} (id {})", topic, topicId);
    }

    /**
     * Cluster mode: moves a stray replica of topic {@code topicId} out of the way without deleting
     * it — unregistered and closed if open, its directory renamed to
     * {@code <topic>-<p>.<topic id>-stray} — and returns the bytes it holds. The caller has proved,
     * by {@code partition.metadata}, that the directory holds {@code topicId}'s data.
     */
    public long moveStrayAside(TopicPartition tp, Uuid topicId) throws IOException {
        Partition open = partitions.get(tp);
        if (open != null && !open.topicId().equals(topicId)) {
            throw new IllegalStateException(tp + " is open as topic id " + open.topicId() + ", not " + topicId);
        }
        if (open != null) {
            partitions.remove(tp);
            open.replication().failWaiters(Errors.NOT_LEADER_OR_FOLLOWER);
            open.close(clock.millis());
        }
        Path dir = directoryOf(tp);
        long sizeBytes = sizeOf(dir);
        Files.move(dir, dataDir.resolve(directoryName(tp) + "." + topicId + STRAY_SUFFIX));
        SegmentFiles.fsyncDirectory(dataDir);
        return sizeBytes;
    }

    /**
     * The topic id of {@code tp}'s replica here: the one it is open under, else the one its
     * directory's {@code partition.metadata} names; empty when it has neither.
     *
     * @throws IOException when the file exists but cannot be read
     */
    public Optional<Uuid> heldTopicId(TopicPartition tp) throws IOException {
        Partition open = partitions.get(tp);
        return open != null ? Optional.of(open.topicId()) : PartitionMetadataFile.read(directoryOf(tp));
    }

    /**
     * The replicas whose directories ({@code <topic>-<partition>}) hold a {@code partition.metadata}
     * file but that are not open: data no topic definition of this node accounts for.
     */
    public List<TopicPartition> unopenedDirectoriesWithTopicId() throws IOException {
        List<TopicPartition> found = new ArrayList<>();
        try (var entries = Files.list(dataDir)) {
            for (Path dir : entries.filter(Files::isDirectory).toList()) {
                Optional<TopicPartition> tp = parseDirectoryName(dir.getFileName().toString());
                if (tp.isPresent() && !partitions.containsKey(tp.get())
                        && Files.exists(dir.resolve(PartitionMetadataFile.FILE_NAME))) {
                    found.add(tp.get());
                }
            }
        }
        return found;
    }

    /**
     * Whether {@code tp}'s replica here may be topic {@code topicId}'s data: open under that id, or a
     * directory whose {@code partition.metadata} names it or is absent (a single node's directories
     * have none; their deletions are recorded by topic). Anything else is reported and kept.
     */
    private boolean mayHold(TopicPartition tp, Uuid topicId) {
        try {
            Optional<Uuid> held = heldTopicId(tp);
            if (held.isEmpty() || held.get().equals(topicId)) {
                return true;
            }
            LOG.warn("{} is not removed with topic id {}: it holds topic id {}", directoryOf(tp), topicId, held.get());
        } catch (IOException e) {
            LOG.warn("{} is not removed with topic id {}: {}", directoryOf(tp), topicId, e.getMessage());
        }
        return false;
    }

    private static Optional<TopicPartition> parseDirectoryName(String name) {
        int dash = name.lastIndexOf('-');
        if (dash <= 0 || dash == name.length() - 1) {
            return Optional.empty();
        }
        String digits = name.substring(dash + 1);
        if (digits.length() > 9 || !digits.chars().allMatch(Character::isDigit)) {
            return Optional.empty();
        }
        return Optional.of(new TopicPartition(name.substring(0, dash), Integer.parseInt(digits)));
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            long total = 0;
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                total += Files.size(file);
            }
            return total;
        }
    }

    private Path asideOf(TopicPartition tp, Uuid topicId) {
        return dataDir.resolve(directoryName(tp) + "." + topicId + DELETE_SUFFIX);
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

    /**
     * Cluster mode: writes the high watermarks of every hosted, online replica to the data
     * directory's checkpoint, all in one file, when one changed since the last write (the periodic
     * task, every {@code replica.high.watermark.checkpoint.interval.ms}). Does nothing on a single node.
     */
    public void checkpointHighWatermarks() {
        highWatermarks.ifPresent(store -> store.checkpoint(currentHighWatermarks()));
    }

    private Map<TopicPartition, Long> currentHighWatermarks() {
        Map<TopicPartition, Long> current = new HashMap<>();
        for (Partition partition : partitions.values()) {
            if (!partition.isOffline()) {
                current.put(partition.topicPartition(), partition.highWatermark());
            }
        }
        return current;
    }

    /** Flushes, checkpoints and closes every partition, then (cluster mode) checkpoints their high watermarks (clean shutdown). */
    public void closeAll() {
        long now = clock.millis();
        for (Partition partition : partitions.values()) {
            partition.close(now);
        }
        checkpointHighWatermarks();
        partitions.clear();
    }
}
