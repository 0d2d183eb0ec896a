package io.surety.broker.config;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/**
 * The storage settings: where the data lives, how segments roll and go, when data is forced to
 * disk, and the broker-level defaults of the topic settings that shape a log. Kafka's
 * {@code log.*}, {@code message.max.bytes}, {@code file.delete.delay.ms}, and Surety's
 * {@code flush.policy}, {@code surety.flush.threads} and {@code surety.fsync.ledger.enable}. Immutable.
 *
 * @param dataDir {@code log.dirs}, else {@code log.dir}: the one data directory
 * @param segmentBytes {@code log.segment.bytes}: size at which a segment is rolled
 * @param segmentMs {@code log.roll.ms}, else {@code log.roll.hours} in ms: age at which a segment is rolled
 * @param retentionMs {@code log.retention.ms}, else {@code .minutes}, else {@code .hours}, in ms; -1 keeps forever
 * @param retentionBytes {@code log.retention.bytes}: largest log before old segments go; -1 for no limit
 * @param retentionCheckIntervalMs {@code log.retention.check.interval.ms}: how often retention is applied
 * @param indexIntervalBytes {@code log.index.interval.bytes}: bytes between two offset index entries
 * @param messageTimestampType {@code log.message.timestamp.type}: CreateTime or LogAppendTime
 * @param messageTimestampBeforeMaxMs {@code log.message.timestamp.before.max.ms}
 * @param messageTimestampAfterMaxMs {@code log.message.timestamp.after.max.ms}
 * @param messageMaxBytes {@code message.max.bytes}: largest record batch a topic accepts
 * @param cleanupPolicy {@code log.cleanup.policy}: default cleanup.policy of topics (delete, compact)
 * @param flushPolicy {@code flush.policy}: fsync before acknowledging, or Kafka's interval flush
 * @param flushIntervalMs {@code log.flush.interval.ms}: under the interval policy, longest unsynced time
 * @param recoveryCheckpointIntervalMs {@code log.flush.offset.checkpoint.interval.ms}
 * @param fileDeleteDelayMs {@code file.delete.delay.ms}: delay before a deleted segment's files go
 * @param fsyncLedgerEnabled {@code surety.fsync.ledger.enable}: record file lengths at each fsync
 * @param flushThreads {@code surety.flush.threads}: partitions the group commit forces at once
 */
public record StorageConfig(
        Path dataDir,
        int segmentBytes,
        long segmentMs,
        long retentionMs,
        long retentionBytes,
        long retentionCheckIntervalMs,
        int indexIntervalBytes,
        String messageTimestampType,
        long messageTimestampBeforeMaxMs,
        long messageTimestampAfterMaxMs,
        int messageMaxBytes,
        List<String> cleanupPolicy,
        FlushPolicy flushPolicy,
        long flushIntervalMs,
        long recoveryCheckpointIntervalMs,
        long fileDeleteDelayMs,
        boolean fsyncLedgerEnabled,
        int flushThreads) {

    /** Checks what spans more than one value; ranges of single values are checked when parsed. */
    public StorageConfig {
        cleanupPolicy = List.copyOf(cleanupPolicy);
        if (retentionMs < -1) {
            throw new ConfigException(BrokerConfig.LOG_RETENTION_MS, retentionMs, "must be -1 or at least 0");
        }
    }

    static StorageConfig from(ParsedSettings values) {
        return new StorageConfig(dataDir(values),
                values.intValue(BrokerConfig.LOG_SEGMENT_BYTES),
                segmentMs(values),
                retentionMs(values),
                values.longValue(BrokerConfig.LOG_RETENTION_BYTES),
                values.longValue(BrokerConfig.LOG_RETENTION_CHECK_INTERVAL_MS),
                values.intValue(BrokerConfig.LOG_INDEX_INTERVAL_BYTES),
                values.string(BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE),
                values.longValue(BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
                values.longValue(BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS),
                values.intValue(BrokerConfig.MESSAGE_MAX_BYTES),
                values.list(BrokerConfig.LOG_CLEANUP_POLICY),
                FlushPolicy.valueOf(values.string(BrokerConfig.FLUSH_POLICY).toUpperCase(Locale.ROOT)),
                values.longValue(BrokerConfig.LOG_FLUSH_INTERVAL_MS),
                values.longValue(BrokerConfig.LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS),
                values.longValue(BrokerConfig.FILE_DELETE_DELAY_MS),
                values.booleanValue(BrokerConfig.FSYNC_LEDGER_ENABLE),
                values.intValue(BrokerConfig.FLUSH_THREADS));
    }

    private static Path dataDir(ParsedSettings values) {
        String dirs = values.string(BrokerConfig.LOG_DIRS);
        String key = dirs != null ? BrokerConfig.LOG_DIRS : BrokerConfig.LOG_DIR;
        String dir = dirs != null ? dirs : values.string(BrokerConfig.LOG_DIR);
        if (dir.contains(",")) {
            throw new ConfigException(key, dir, "several data directories are not supported yet; give one directory");
        }
        if (dir.isBlank()) {
            throw new ConfigException(key, dir, "give the data directory's path");
        }
        return Paths.get(dir.trim());
    }

    private static long segmentMs(ParsedSettings values) {
        Long ms = values.optionalLong(BrokerConfig.LOG_ROLL_MS);
        return ms != null ? ms : values.intValue(BrokerConfig.LOG_ROLL_HOURS) * 3_600_000L;
    }

    /** The finest unit set wins, as in Kafka; a negative number of minutes or hours means forever. */
    private static long retentionMs(ParsedSettings values) {
        Long ms = values.optionalLong(BrokerConfig.LOG_RETENTION_MS);
        if (ms != null) {
            return ms;
        }
        Integer minutes = values.optionalInt(BrokerConfig.LOG_RETENTION_MINUTES);
        if (minutes != null) {
            return minutes < 0 ? -1 : minutes * 60_000L;
        }
        int hours = values.intValue(BrokerConfig.LOG_RETENTION_HOURS);
        return hours < 0 ? -1 : hours * 3_600_000L;
    }
}
