package io.surety.broker.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * A topic's effective configuration: its own overrides over the broker's defaults, with Kafka's
 * topic-level key names. Immutable; a changed config is a new instance.
 */
public final class TopicConfig {

    public static final String CLEANUP_POLICY = "cleanup.policy";
    public static final String SEGMENT_BYTES = "segment.bytes";
    public static final String SEGMENT_MS = "segment.ms";
    public static final String RETENTION_MS = "retention.ms";
    public static final String RETENTION_BYTES = "retention.bytes";
    public static final String MAX_MESSAGE_BYTES = "max.message.bytes";
    public static final String MESSAGE_TIMESTAMP_TYPE = "message.timestamp.type";
    public static final String MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "message.timestamp.before.max.ms";
    public static final String MESSAGE_TIMESTAMP_AFTER_MAX_MS = "message.timestamp.after.max.ms";
    public static final String INDEX_INTERVAL_BYTES = "index.interval.bytes";
    public static final String FLUSH_MS = "flush.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String COMPRESSION_TYPE = "compression.type";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";
    public static final String MIN_CLEANABLE_DIRTY_RATIO = "min.cleanable.dirty.ratio";
    public static final String MIN_COMPACTION_LAG_MS = "min.compaction.lag.ms";
    public static final String MAX_COMPACTION_LAG_MS = "max.compaction.lag.ms";
    public static final String DELETE_RETENTION_MS = "delete.retention.ms";
    public static final String COMPACT = "compact";
    public static final String DELETE = "delete";

    /** Topic key → the broker key whose value is its default. */
    private static final Map<String, String> BROKER_SOURCE = Map.ofEntries(
            Map.entry(SEGMENT_BYTES, BrokerConfig.LOG_SEGMENT_BYTES),
            Map.entry(SEGMENT_MS, BrokerConfig.LOG_ROLL_MS),
            Map.entry(RETENTION_MS, BrokerConfig.LOG_RETENTION_MS),
            Map.entry(RETENTION_BYTES, BrokerConfig.LOG_RETENTION_BYTES),
            Map.entry(MAX_MESSAGE_BYTES, BrokerConfig.MESSAGE_MAX_BYTES),
            Map.entry(MESSAGE_TIMESTAMP_TYPE, BrokerConfig.LOG_MESSAGE_TIMESTAMP_TYPE),
            Map.entry(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS),
            Map.entry(MESSAGE_TIMESTAMP_AFTER_MAX_MS, BrokerConfig.LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS),
            Map.entry(INDEX_INTERVAL_BYTES, BrokerConfig.LOG_INDEX_INTERVAL_BYTES),
            Map.entry(FLUSH_MS, BrokerConfig.LOG_FLUSH_INTERVAL_MS),
            Map.entry(FILE_DELETE_DELAY_MS, BrokerConfig.FILE_DELETE_DELAY_MS),
            Map.entry(CLEANUP_POLICY, BrokerConfig.LOG_CLEANUP_POLICY),
            Map.entry(MIN_CLEANABLE_DIRTY_RATIO, BrokerConfig.LOG_CLEANER_MIN_CLEANABLE_RATIO),
            Map.entry(MIN_COMPACTION_LAG_MS, BrokerConfig.LOG_CLEANER_MIN_COMPACTION_LAG_MS),
            Map.entry(MAX_COMPACTION_LAG_MS, BrokerConfig.LOG_CLEANER_MAX_COMPACTION_LAG_MS),
            Map.entry(DELETE_RETENTION_MS, BrokerConfig.LOG_CLEANER_DELETE_RETENTION_MS),
            Map.entry(MIN_INSYNC_REPLICAS, BrokerConfig.MIN_INSYNC_REPLICAS),
            Map.entry(UNCLEAN_LEADER_ELECTION_ENABLE, BrokerConfig.UNCLEAN_LEADER_ELECTION_ENABLE));

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(CLEANUP_POLICY, Type.LIST, ConfigDef.NO_DEFAULT_VALUE, ConfigDef.ValidList.in(DELETE, COMPACT),
                    Importance.HIGH, "delete (retention by time and size), compact (keep the last record per key), "
                            + "or both.")
            .define(MIN_CLEANABLE_DIRTY_RATIO, Type.DOUBLE, ConfigDef.NO_DEFAULT_VALUE, Range.between(0, 1),
                    Importance.MEDIUM, "Share of the log not yet cleaned at which the cleaner compacts it.")
            .define(MIN_COMPACTION_LAG_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.MEDIUM,
                    "How long a record stays uncompacted at least.")
            .define(MAX_COMPACTION_LAG_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "How long a record may stay uncompacted at most.")
            .define(DELETE_RETENTION_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.MEDIUM,
                    "How long tombstones and transaction markers stay after the first cleaning that saw them.")
            .define(SEGMENT_BYTES, Type.INT, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(1024), Importance.MEDIUM, "Segment size.")
            .define(SEGMENT_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(1), Importance.MEDIUM, "Segment age.")
            .define(RETENTION_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(-1), Importance.MEDIUM, "Retention time.")
            .define(RETENTION_BYTES, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Importance.MEDIUM, "Retention size.")
            .define(MAX_MESSAGE_BYTES, Type.INT, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.MEDIUM, "Largest batch.")
            .define(MESSAGE_TIMESTAMP_TYPE, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, ValidString.in("CreateTime", "LogAppendTime"),
                    Importance.MEDIUM, "Timestamp type.")
            .define(MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.LOW, "")
            .define(MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.LOW, "")
            .define(INDEX_INTERVAL_BYTES, Type.INT, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.LOW, "")
            .define(FLUSH_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.LOW, "")
            .define(FILE_DELETE_DELAY_MS, Type.LONG, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(0), Importance.LOW, "")
            .define(MIN_INSYNC_REPLICAS, Type.INT, ConfigDef.NO_DEFAULT_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Least ISR size for acks=all; a single node holds one replica, so only 1 is meaningful there.")
            .define(COMPRESSION_TYPE, Type.STRING, "producer", ValidString.in("producer"), Importance.LOW,
                    "Batches are stored as the producer compressed them.")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, ConfigDef.NO_DEFAULT_VALUE, Importance.LOW,
                    "Elect a replica outside the ISR when no ISR member is left, losing the records it lacks.");

    private final Map<String, String> overrides;
    private final Map<String, Object> values;
    /** Read on every produce request, so resolved once. */
    private final boolean compact;
    private final boolean deleteByRetention;

    private TopicConfig(BrokerConfig broker, Map<String, String> overrides) {
        this.overrides = Collections.unmodifiableMap(new LinkedHashMap<>(overrides));
        for (String key : overrides.keySet()) {
            if (!DEFINITION.names().contains(key)) {
                throw new ConfigException("Unknown topic config '" + key + "'");
            }
        }
        Map<String, String> merged = new LinkedHashMap<>();
        for (String key : DEFINITION.names()) {
            String brokerKey = BROKER_SOURCE.get(key);
            if (brokerKey != null) {
                merged.put(key, brokerDefault(broker, key));
            }
        }
        merged.putAll(overrides);
        this.values = DEFINITION.parse(merged);
        int minInsync = (Integer) values.get(MIN_INSYNC_REPLICAS);
        if (!broker.cluster().isCluster() && minInsync > 1) {
            throw new ConfigException(MIN_INSYNC_REPLICAS, minInsync, "a single node holds one replica, so only 1 is "
                    + "meaningful; above 1 needs cluster mode");
        }
        this.compact = cleanupPolicy().contains(COMPACT);
        this.deleteByRetention = cleanupPolicy().contains(DELETE);
    }

    /** Validates {@code overrides} against the broker's defaults; throws {@link ConfigException} naming a bad key. */
    public static TopicConfig of(BrokerConfig broker, Map<String, String> overrides) {
        return new TopicConfig(broker, overrides);
    }

    public static Set<String> names() {
        return DEFINITION.names();
    }

    static String brokerDefault(BrokerConfig broker, String topicKey) {
        switch (topicKey) {
            case SEGMENT_MS:
                return Long.toString(broker.storage().segmentMs());
            case RETENTION_MS:
                return Long.toString(broker.storage().retentionMs());
            case MIN_INSYNC_REPLICAS:
                // One node holds one replica: a broker default above 1 is ignored there, with a WARN.
                return broker.cluster().isCluster() ? Integer.toString(broker.replication().minInsyncReplicas()) : "1";
            default:
                String brokerKey = BROKER_SOURCE.get(topicKey);
                if (brokerKey == null) {
                    Object dflt = DEFINITION.configKeys().get(topicKey).defaultValue;
                    return dflt == null ? null : ConfigDef.convertToString(dflt, DEFINITION.configKeys().get(topicKey).type);
                }
                return broker.effectiveBrokerConfigs().get(brokerKey);
        }
    }

    /** The broker key a topic key inherits from, or null. */
    public static String brokerSource(String topicKey) {
        return BROKER_SOURCE.get(topicKey);
    }

    /**
     * Every broker key a topic key's default may come from, in Kafka's synonym order (the most
     * specific first: {@code log.retention.ms} before {@code log.retention.hours}); empty if none.
     */
    public static List<String> brokerSynonyms(String topicKey) {
        switch (topicKey) {
            case SEGMENT_MS:
                return List.of(BrokerConfig.LOG_ROLL_MS, BrokerConfig.LOG_ROLL_HOURS);
            case RETENTION_MS:
                return List.of(BrokerConfig.LOG_RETENTION_MS, BrokerConfig.LOG_RETENTION_MINUTES,
                        BrokerConfig.LOG_RETENTION_HOURS);
            default:
                String brokerKey = BROKER_SOURCE.get(topicKey);
                return brokerKey == null ? List.of() : List.of(brokerKey);
        }
    }

    /** The value type of a topic config key, or null if this broker does not know the key. */
    public static ConfigDef.Type type(String key) {
        ConfigDef.ConfigKey configKey = DEFINITION.configKeys().get(key);
        return configKey == null ? null : configKey.type;
    }

    public Map<String, String> overrides() {
        return overrides;
    }

    /** Every topic config and its value in force, as strings. */
    public Map<String, String> effective() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : DEFINITION.names()) {
            Object v = values.get(name);
            out.put(name, v == null ? null : ConfigDef.convertToString(v, DEFINITION.configKeys().get(name).type));
        }
        return out;
    }

    /** Whether the cleaner keeps only the last record per key (cleanup.policy contains compact). */
    public boolean compact() {
        return compact;
    }

    /** Whether old segments are deleted by time and size (cleanup.policy contains delete). */
    public boolean deleteByRetention() {
        return deleteByRetention;
    }

    @SuppressWarnings("unchecked")
    private List<String> cleanupPolicy() {
        return (List<String>) values.get(CLEANUP_POLICY);
    }

    public double minCleanableDirtyRatio() {
        return (Double) values.get(MIN_CLEANABLE_DIRTY_RATIO);
    }

    public long minCompactionLagMs() {
        return (Long) values.get(MIN_COMPACTION_LAG_MS);
    }

    public long maxCompactionLagMs() {
        return (Long) values.get(MAX_COMPACTION_LAG_MS);
    }

    public long deleteRetentionMs() {
        return (Long) values.get(DELETE_RETENTION_MS);
    }

    /**
     * Age at which the active segment is rolled: segment.ms, or max.compaction.lag.ms when that is
     * shorter on a compacted topic (the active segment is never cleaned, so it must close in time).
     */
    public long rollMs() {
        return compact() ? Math.min(segmentMs(), maxCompactionLagMs()) : segmentMs();
    }

    /** {@code min.insync.replicas}: the least ISR size an acks=all produce needs. */
    public int minInsyncReplicas() {
        return (Integer) values.get(MIN_INSYNC_REPLICAS);
    }

    /** {@code unclean.leader.election.enable}: whether a replica outside the ISR may be elected. */
    public boolean uncleanLeaderElectionEnable() {
        return (Boolean) values.get(UNCLEAN_LEADER_ELECTION_ENABLE);
    }

    public int segmentBytes() {
        return (Integer) values.get(SEGMENT_BYTES);
    }

    public long segmentMs() {
        return (Long) values.get(SEGMENT_MS);
    }

    public long retentionMs() {
        return (Long) values.get(RETENTION_MS);
    }

    public long retentionBytes() {
        return (Long) values.get(RETENTION_BYTES);
    }

    public int maxMessageBytes() {
        return (Integer) values.get(MAX_MESSAGE_BYTES);
    }

    public boolean logAppendTime() {
        return "LogAppendTime".equals(values.get(MESSAGE_TIMESTAMP_TYPE));
    }

    public long timestampBeforeMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_BEFORE_MAX_MS);
    }

    public long timestampAfterMaxMs() {
        return (Long) values.get(MESSAGE_TIMESTAMP_AFTER_MAX_MS);
    }

    public int indexIntervalBytes() {
        return (Integer) values.get(INDEX_INTERVAL_BYTES);
    }

    public long flushMs() {
        return (Long) values.get(FLUSH_MS);
    }

    public long fileDeleteDelayMs() {
        return (Long) values.get(FILE_DELETE_DELAY_MS);
    }
}
