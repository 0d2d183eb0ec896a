package io.surety.broker.partition;

import io.surety.broker.log.FsyncLedger;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The high watermarks a cluster node keeps across restarts, in its data directory's
 * {@link HighWatermarkCheckpoint} (Kafka's replica manager does the same with
 * {@code replication-offset-checkpoint}): what the previous run wrote is handed to each replica
 * once, as it opens ({@link #takeStartingHighWatermark}); the high watermarks of the replicas now
 * hosted are written, all in one file write, every {@code replica.high.watermark.checkpoint.interval.ms}
 * and at a clean stop ({@link #checkpoint}), and only when one of them changed since the last write.
 *
 * <p>A single node has none: its partitions lead alone and their high watermark is their log end
 * (or durable end) at open, as before.
 *
 * <p>Threading: {@link #takeStartingHighWatermark} from any thread (the start, then the metadata
 * publisher opening new replicas); {@link #checkpoint} is synchronized (the periodic task and the
 * clean stop), so the file has one writer at a time.
 *
 * <p>Implementation notes: a checkpointed value is only ever lower than or equal to what the
 * cluster committed when it was written (a leader's high watermark is committed; a follower's is
 * its leader's, or less), so starting from it can never show consumers a record that only this
 * replica holds. An old value costs nothing but a short wait: the leader raises the high watermark
 * as its followers fetch, a follower takes its leader's on its first fetch. The comparison with the
 * last write costs one map of the hosted partitions per interval (a few microseconds for
 * thousands), against an fsync and two renames saved whenever nothing moved.
 */
public final class HighWatermarkStore {

    private static final Logger LOG = LoggerFactory.getLogger(HighWatermarkStore.class);

    private final HighWatermarkCheckpoint file;
    /** What the previous run wrote; an entry leaves when its replica opens. */
    private final Map<TopicPartition, Long> previousRun;
    /** What the file holds now, as far as this run knows. Guarded by this. */
    private Map<TopicPartition, Long> written;

    private HighWatermarkStore(HighWatermarkCheckpoint file, Map<TopicPartition, Long> previousRun) {
        this.file = file;
        this.previousRun = new ConcurrentHashMap<>(previousRun);
        this.written = previousRun;
    }

    /** Reads the data directory's checkpoint (see {@link HighWatermarkCheckpoint#read} for a missing or damaged one). */
    public static HighWatermarkStore load(Path dataDir, FsyncLedger ledger) {
        HighWatermarkCheckpoint file = new HighWatermarkCheckpoint(dataDir, ledger);
        return new HighWatermarkStore(file, file.read());
    }

    /**
     * The high watermark the previous run checkpointed for {@code tp}, once: empty when it had
     * none, or when it was already taken (a partition of that name deleted and created again).
     */
    OptionalLong takeStartingHighWatermark(TopicPartition tp) {
        Long offset = previousRun.remove(tp);
        return offset == null ? OptionalLong.empty() : OptionalLong.of(offset);
    }

    /**
     * Writes {@code highWatermarks} (every replica hosted and online, by partition) as the whole
     * file, unless it already holds exactly them. Returns whether it wrote. A failed write is
     * logged as a WARN naming the file and returns false; the next call tries again.
     */
    public synchronized boolean checkpoint(Map<TopicPartition, Long> highWatermarks) {
        if (highWatermarks.equals(written)) {
            return false;
        }
        Map<TopicPartition, Long> copy = Map.copyOf(highWatermarks);
        try {
            file.write(copy);
        } catch (IOException e) {
            LOG.warn("Could not write {} ({}); the next checkpoint tries again", file.file(), e.toString());
            return false;
        }
        written = copy;
        return true;
    }
}
