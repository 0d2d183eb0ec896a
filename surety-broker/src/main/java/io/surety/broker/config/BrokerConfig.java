package io.surety.broker.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;

/**
 * The broker's configuration: one immutable, typed object built once at start from
 * {@code server.properties}-style key/value pairs, with Kafka's key names wherever Kafka has one.
 *
 * <p>Settings are read through one record per area, each built and checked here once:
 * {@link #storage()}, {@link #network()}, {@link #topics()}, {@link #groups()},
 * {@link #transactions()}, {@link #cleaner()}, {@link #metrics()}, {@link #cluster()},
 * {@link #replication()} and {@link #authorizer()}; a component is given the
 * record of its area, not this object. Unknown keys and invalid values are refused with a
 * {@link ConfigException} that names the setting; Kafka keys that are accepted but change nothing
 * here are named in {@link #warnings()}, which the broker logs at start. Thread-safe (immutable).
 *
 * <p>Implementation notes: parsing and validation use kafka-clients' {@link ConfigDef}, the same
 * machinery Kafka's own broker uses, so types, ranges and messages read the way Kafka users expect.
 * The definition below is the one place each key's type, range and default is written; a record's
 * {@code from} reads the parsed values, and its constructor checks what spans several keys (the
 * group session bounds, for instance), so a record built by hand in a test is checked the same way.
 */
public final class BrokerConfig {

    public static final String LISTENERS = "listeners";
    public static final String ADVERTISED_LISTENERS = "advertised.listeners";
    public static final String NODE_ID = "node.id";
    public static final String LOG_DIRS = "log.dirs";
    public static final String LOG_DIR = "log.dir";
    public static final String NUM_PARTITIONS = "num.partitions";
    public static final String DEFAULT_REPLICATION_FACTOR = "default.replication.factor";
    public static final String AUTO_CREATE_TOPICS_ENABLE = "auto.create.topics.enable";
    public static final String DELETE_TOPIC_ENABLE = "delete.topic.enable";
    public static final String LOG_SEGMENT_BYTES = "log.segment.bytes";
    public static final String LOG_ROLL_MS = "log.roll.ms";
    public static final String LOG_ROLL_HOURS = "log.roll.hours";
    public static final String LOG_RETENTION_MS = "log.retention.ms";
    public static final String LOG_RETENTION_MINUTES = "log.retention.minutes";
    public static final String LOG_RETENTION_HOURS = "log.retention.hours";
    public static final String LOG_RETENTION_BYTES = "log.retention.bytes";
    public static final String LOG_RETENTION_CHECK_INTERVAL_MS = "log.retention.check.interval.ms";
    public static final String LOG_INDEX_INTERVAL_BYTES = "log.index.interval.bytes";
    public static final String LOG_MESSAGE_TIMESTAMP_TYPE = "log.message.timestamp.type";
    public static final String LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS = "log.message.timestamp.before.max.ms";
    public static final String LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS = "log.message.timestamp.after.max.ms";
    public static final String LOG_FLUSH_INTERVAL_MS = "log.flush.interval.ms";
    public static final String LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS = "log.flush.offset.checkpoint.interval.ms";
    public static final String FILE_DELETE_DELAY_MS = "file.delete.delay.ms";
    public static final String LOG_CLEANUP_POLICY = "log.cleanup.policy";
    public static final String LOG_CLEANER_ENABLE = "log.cleaner.enable";
    public static final String LOG_CLEANER_THREADS = "log.cleaner.threads";
    public static final String LOG_CLEANER_DEDUPE_BUFFER_SIZE = "log.cleaner.dedupe.buffer.size";
    public static final String LOG_CLEANER_IO_BUFFER_LOAD_FACTOR = "log.cleaner.io.buffer.load.factor";
    public static final String LOG_CLEANER_IO_MAX_BYTES_PER_SECOND = "log.cleaner.io.max.bytes.per.second";
    public static final String LOG_CLEANER_BACKOFF_MS = "log.cleaner.backoff.ms";
    public static final String LOG_CLEANER_MIN_CLEANABLE_RATIO = "log.cleaner.min.cleanable.ratio";
    public static final String LOG_CLEANER_DELETE_RETENTION_MS = "log.cleaner.delete.retention.ms";
    public static final String LOG_CLEANER_MIN_COMPACTION_LAG_MS = "log.cleaner.min.compaction.lag.ms";
    public static final String LOG_CLEANER_MAX_COMPACTION_LAG_MS = "log.cleaner.max.compaction.lag.ms";
    public static final String MESSAGE_MAX_BYTES = "message.max.bytes";
    public static final String SOCKET_REQUEST_MAX_BYTES = "socket.request.max.bytes";
    public static final String NUM_IO_THREADS = "num.io.threads";
    public static final String NUM_NETWORK_THREADS = "num.network.threads";
    public static final String CONNECTIONS_MAX_IDLE_MS = "connections.max.idle.ms";
    public static final String PRINCIPAL_BUILDER_CLASS = "principal.builder.class";
    public static final String PRODUCER_ID_EXPIRATION_MS = "producer.id.expiration.ms";
    public static final String FLUSH_POLICY = "flush.policy";
    public static final String FSYNC_LEDGER_ENABLE = "surety.fsync.ledger.enable";
    public static final String FLUSH_THREADS = "surety.flush.threads";
    public static final String GROUP_MIN_SESSION_TIMEOUT_MS = "group.min.session.timeout.ms";
    public static final String GROUP_MAX_SESSION_TIMEOUT_MS = "group.max.session.timeout.ms";
    public static final String GROUP_INITIAL_REBALANCE_DELAY_MS = "group.initial.rebalance.delay.ms";
    public static final String GROUP_MAX_SIZE = "group.max.size";
    public static final String OFFSETS_RETENTION_MINUTES = "offsets.retention.minutes";
    public static final String OFFSETS_RETENTION_CHECK_INTERVAL_MS = "offsets.retention.check.interval.ms";
    public static final String OFFSET_METADATA_MAX_BYTES = "offset.metadata.max.bytes";
    public static final String OFFSETS_TOPIC_SEGMENT_BYTES = "offsets.topic.segment.bytes";
    public static final String GROUP_CONSUMER_SESSION_TIMEOUT_MS = "group.consumer.session.timeout.ms";
    public static final String GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS = "group.consumer.min.session.timeout.ms";
    public static final String GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS = "group.consumer.max.session.timeout.ms";
    public static final String GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS = "group.consumer.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS = "group.consumer.min.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS = "group.consumer.max.heartbeat.interval.ms";
    public static final String GROUP_CONSUMER_MAX_SIZE = "group.consumer.max.size";
    public static final String GROUP_CONSUMER_ASSIGNORS = "group.consumer.assignors";
    public static final String METRICS_PORT = "metrics.port";
    public static final String TRANSACTION_MAX_TIMEOUT_MS = "transaction.max.timeout.ms";
    public static final String TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS =
            "transaction.abort.timed.out.transaction.cleanup.interval.ms";
    public static final String TRANSACTIONAL_ID_EXPIRATION_MS = "transactional.id.expiration.ms";
    public static final String TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS =
            "transaction.remove.expired.transaction.cleanup.interval.ms";
    public static final String TRANSACTION_PARTITION_VERIFICATION_ENABLE = "transaction.partition.verification.enable";
    public static final String PROCESS_ROLES = "process.roles";
    public static final String CONTROLLER_QUORUM_VOTERS = "controller.quorum.voters";
    public static final String CONTROLLER_QUORUM_BOOTSTRAP_SERVERS = "controller.quorum.bootstrap.servers";
    public static final String CONTROLLER_LISTENER_NAMES = "controller.listener.names";
    public static final String INTER_BROKER_LISTENER_NAME = "inter.broker.listener.name";
    public static final String SECURITY_INTER_BROKER_PROTOCOL = "security.inter.broker.protocol";
    public static final String LISTENER_SECURITY_PROTOCOL_MAP = "listener.security.protocol.map";
    public static final String REPLICA_LAG_TIME_MAX_MS = "replica.lag.time.max.ms";
    public static final String REPLICA_FETCH_WAIT_MAX_MS = "replica.fetch.wait.max.ms";
    public static final String REPLICA_FETCH_MAX_BYTES = "replica.fetch.max.bytes";
    public static final String REPLICA_FETCH_RESPONSE_MAX_BYTES = "replica.fetch.response.max.bytes";
    public static final String REPLICA_FETCH_MIN_BYTES = "replica.fetch.min.bytes";
    public static final String NUM_REPLICA_FETCHERS = "num.replica.fetchers";
    public static final String REPLICA_FETCH_BACKOFF_MS = "replica.fetch.backoff.ms";
    public static final String REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS = "replica.high.watermark.checkpoint.interval.ms";
    public static final String BROKER_SESSION_TIMEOUT_MS = "broker.session.timeout.ms";
    public static final String BROKER_HEARTBEAT_INTERVAL_MS = "broker.heartbeat.interval.ms";
    public static final String CONTROLLED_SHUTDOWN_ENABLE = "controlled.shutdown.enable";
    public static final String CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS = "controller.quorum.election.timeout.ms";
    public static final String MIN_INSYNC_REPLICAS = "min.insync.replicas";
    public static final String UNCLEAN_LEADER_ELECTION_ENABLE = "unclean.leader.election.enable";

    /**
     * Keys Kafka accepts that have no effect in Surety; accepted so Kafka files load unchanged, and
     * each one set is named in a WARN at start ({@link #warnings()}).
     */
    private static final Set<String> ACCEPTED_WITHOUT_EFFECT = Set.of(
            "broker.id", "socket.send.buffer.bytes", "socket.receive.buffer.bytes", "num.recovery.threads.per.data.dir",
            "offsets.topic.replication.factor", "transaction.state.log.replication.factor",
            "transaction.state.log.min.isr", "share.coordinator.state.topic.replication.factor",
            "share.coordinator.state.topic.min.isr", "offsets.topic.num.partitions",
            "offsets.topic.compression.codec", "offsets.load.buffer.size", "offsets.commit.timeout.ms",
            "group.coordinator.rebalance.protocols", "group.coordinator.threads", "transaction.state.log.num.partitions",
            "transaction.state.log.segment.bytes", "transaction.state.log.load.buffer.size");

    private static final ConfigDef DEFINITION = new ConfigDef()
            .define(LISTENERS, Type.LIST, "PLAINTEXT://127.0.0.1:9092", Importance.HIGH,
                    "Where the broker listens, as NAME://host:port. Port 0 picks a free port.")
            .define(ADVERTISED_LISTENERS, Type.LIST, "", Importance.MEDIUM,
                    "Addresses given to clients in Metadata; defaults to the listeners.")
            .define(NODE_ID, Type.INT, 1, Range.atLeast(0), Importance.HIGH, "This broker's node id.")
            .define(LOG_DIRS, Type.STRING, null, Importance.HIGH, "The data directory (one directory).")
            .define(LOG_DIR, Type.STRING, "./data", Importance.HIGH, "The data directory, when log.dirs is unset.")
            .define(NUM_PARTITIONS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Partitions of auto-created topics and of CreateTopics without a count.")
            .define(DEFAULT_REPLICATION_FACTOR, Type.SHORT, (short) 1, Range.atLeast(1), Importance.MEDIUM,
                    "Replication factor of auto-created topics; 1 on a single node, which holds one replica.")
            .define(AUTO_CREATE_TOPICS_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Create a topic when Metadata names one that does not exist.")
            .define(DELETE_TOPIC_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM, "Allow DeleteTopics.")
            .define(LOG_SEGMENT_BYTES, Type.INT, 1024 * 1024 * 1024, Range.atLeast(1024), Importance.HIGH,
                    "Size at which a segment is rolled.")
            .define(LOG_ROLL_MS, Type.LONG, null, Importance.MEDIUM, "Age at which a segment is rolled.")
            .define(LOG_ROLL_HOURS, Type.INT, 24 * 7, Range.atLeast(1), Importance.MEDIUM,
                    "Age at which a segment is rolled, in hours.")
            .define(LOG_RETENTION_MS, Type.LONG, null, Importance.HIGH,
                    "How long segments are kept; -1 keeps them forever.")
            .define(LOG_RETENTION_MINUTES, Type.INT, null, Importance.HIGH, "Retention in minutes.")
            .define(LOG_RETENTION_HOURS, Type.INT, 168, Importance.HIGH, "Retention in hours.")
            .define(LOG_RETENTION_BYTES, Type.LONG, -1L, Importance.HIGH,
                    "Maximum size of a partition's log before old segments go; -1 for no limit.")
            .define(LOG_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 300_000L, Range.atLeast(1), Importance.MEDIUM,
                    "How often retention is applied.")
            .define(LOG_INDEX_INTERVAL_BYTES, Type.INT, 4096, Range.atLeast(0), Importance.MEDIUM,
                    "Bytes between two offset index entries.")
            .define(LOG_MESSAGE_TIMESTAMP_TYPE, Type.STRING, "CreateTime",
                    ValidString.in("CreateTime", "LogAppendTime"), Importance.MEDIUM,
                    "Whether record timestamps are the producer's or the broker's.")
            .define(LOG_MESSAGE_TIMESTAMP_BEFORE_MAX_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(0),
                    Importance.MEDIUM, "How far in the past a CreateTime timestamp may be.")
            .define(LOG_MESSAGE_TIMESTAMP_AFTER_MAX_MS, Type.LONG, 3_600_000L, Range.atLeast(0),
                    Importance.MEDIUM, "How far in the future a CreateTime timestamp may be.")
            .define(LOG_FLUSH_INTERVAL_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Under flush.policy=interval, the longest time appended data stays unsynced.")
            .define(LOG_FLUSH_OFFSET_CHECKPOINT_INTERVAL_MS, Type.LONG, 60_000L, Range.atLeast(1),
                    Importance.LOW, "How often the recovery point of each log is recorded.")
            .define(FILE_DELETE_DELAY_MS, Type.LONG, 60_000L, Range.atLeast(0), Importance.LOW,
                    "Delay before a deleted segment's files are closed and removed.")
            .define(LOG_CLEANUP_POLICY, Type.LIST, "delete", ConfigDef.ValidList.in("delete", "compact"),
                    Importance.MEDIUM, "Default cleanup.policy of topics: delete, compact, or both.")
            .define(LOG_CLEANER_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Run the log cleaner, which compacts topics whose cleanup.policy includes compact.")
            .define(LOG_CLEANER_THREADS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Cleaner threads; each cleans one log at a time with its own share of the dedupe buffer.")
            .define(LOG_CLEANER_DEDUPE_BUFFER_SIZE, Type.LONG, 16L * 1024 * 1024, Range.atLeast(1024 * 1024),
                    Importance.MEDIUM, "Memory for the key-to-offset map of all cleaner threads together "
                            + "(24 bytes per key). Smaller than Kafka's 128 MiB because the broker is often embedded.")
            .define(LOG_CLEANER_IO_BUFFER_LOAD_FACTOR, Type.DOUBLE, 0.9, Range.between(0.1, 0.95), Importance.LOW,
                    "How full the dedupe map may get before a cleaning pass stops adding keys.")
            .define(LOG_CLEANER_IO_MAX_BYTES_PER_SECOND, Type.DOUBLE, Double.MAX_VALUE, Range.atLeast(1.0),
                    Importance.MEDIUM, "Bytes per second all cleaner threads together may read and write.")
            .define(LOG_CLEANER_BACKOFF_MS, Type.LONG, 15_000L, Range.atLeast(0), Importance.LOW,
                    "How long a cleaner thread waits when no log needs cleaning.")
            .define(LOG_CLEANER_MIN_CLEANABLE_RATIO, Type.DOUBLE, 0.5, Range.between(0, 1), Importance.MEDIUM,
                    "Default min.cleanable.dirty.ratio.")
            .define(LOG_CLEANER_DELETE_RETENTION_MS, Type.LONG, 86_400_000L, Range.atLeast(0), Importance.MEDIUM,
                    "Default delete.retention.ms.")
            .define(LOG_CLEANER_MIN_COMPACTION_LAG_MS, Type.LONG, 0L, Range.atLeast(0), Importance.MEDIUM,
                    "Default min.compaction.lag.ms.")
            .define(LOG_CLEANER_MAX_COMPACTION_LAG_MS, Type.LONG, Long.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Default max.compaction.lag.ms.")
            .define(MESSAGE_MAX_BYTES, Type.INT, 1024 * 1024 + 12, Range.atLeast(0), Importance.HIGH,
                    "Largest record batch a topic accepts.")
            .define(SOCKET_REQUEST_MAX_BYTES, Type.INT, 100 * 1024 * 1024, Range.atLeast(1), Importance.HIGH,
                    "Largest request frame; larger frames close the connection.")
            .define(NUM_IO_THREADS, Type.INT, 4, Range.atLeast(1), Importance.MEDIUM,
                    "Threads that run request handlers.")
            .define(NUM_NETWORK_THREADS, Type.INT, 2, Range.atLeast(1), Importance.MEDIUM,
                    "Network event-loop threads.")
            .define(CONNECTIONS_MAX_IDLE_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.MEDIUM,
                    "A connection on which nothing was read or written for this long is closed, as Kafka closes it.")
            .define(PRODUCER_ID_EXPIRATION_MS, Type.INT, 86_400_000, Range.atLeast(1), Importance.LOW,
                    "How long a producer's sequence state is kept after its last write.")
            .define(FLUSH_POLICY, Type.STRING, "fsync", ValidString.in("fsync", "interval"), Importance.HIGH,
                    "fsync: a record is fsynced before it is acknowledged (acks=1/all) or visible to consumers. "
                            + "interval: Kafka's page-cache behaviour, fsync only every log.flush.interval.ms.")
            .define(FSYNC_LEDGER_ENABLE, Type.BOOLEAN, false, Importance.LOW,
                    "Record each file's length at every fsync in fsync-ledger.log, for power-loss tests.")
            .define(FLUSH_THREADS, Type.INT, 16, Range.between(1, 256), Importance.MEDIUM,
                    "Threads that fsync partitions for the group commit under flush.policy=fsync: up to this many "
                            + "partitions are forced at once. 1 forces them one after another on the flusher thread.")
            .define(GROUP_MIN_SESSION_TIMEOUT_MS, Type.INT, 6_000, Range.atLeast(1), Importance.MEDIUM,
                    "Lowest session.timeout.ms a classic group member may ask for.")
            .define(GROUP_MAX_SESSION_TIMEOUT_MS, Type.INT, 1_800_000, Range.atLeast(1), Importance.MEDIUM,
                    "Highest session.timeout.ms a classic group member may ask for.")
            .define(GROUP_INITIAL_REBALANCE_DELAY_MS, Type.INT, 3_000, Range.atLeast(0), Importance.MEDIUM,
                    "How long the first rebalance of an empty classic group waits for more members to join.")
            .define(GROUP_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Most members of one classic group.")
            .define(OFFSETS_RETENTION_MINUTES, Type.INT, 7 * 24 * 60, Range.atLeast(1), Importance.HIGH,
                    "How long committed offsets are kept once their group is empty (or since the commit, for "
                            + "standalone consumers).")
            .define(OFFSETS_RETENTION_CHECK_INTERVAL_MS, Type.LONG, 600_000L, Range.atLeast(1), Importance.MEDIUM,
                    "How often expired offsets are removed.")
            .define(OFFSET_METADATA_MAX_BYTES, Type.INT, 4096, Range.atLeast(0), Importance.MEDIUM,
                    "Longest metadata string an offset commit may carry.")
            .define(OFFSETS_TOPIC_SEGMENT_BYTES, Type.INT, 100 * 1024 * 1024, Range.atLeast(1), Importance.LOW,
                    "Size the group coordinator's journal may reach before it is compacted.")
            .define(GROUP_CONSUMER_SESSION_TIMEOUT_MS, Type.INT, 45_000, Range.atLeast(1), Importance.MEDIUM,
                    "Session timeout of members of consumer-protocol (KIP-848) groups.")
            .define(GROUP_CONSUMER_MIN_SESSION_TIMEOUT_MS, Type.INT, 45_000, Range.atLeast(1), Importance.LOW,
                    "Lowest allowed group.consumer.session.timeout.ms.")
            .define(GROUP_CONSUMER_MAX_SESSION_TIMEOUT_MS, Type.INT, 60_000, Range.atLeast(1), Importance.LOW,
                    "Highest allowed group.consumer.session.timeout.ms.")
            .define(GROUP_CONSUMER_HEARTBEAT_INTERVAL_MS, Type.INT, 5_000, Range.atLeast(1), Importance.MEDIUM,
                    "Heartbeat interval given to members of consumer-protocol (KIP-848) groups.")
            .define(GROUP_CONSUMER_MIN_HEARTBEAT_INTERVAL_MS, Type.INT, 5_000, Range.atLeast(1), Importance.LOW,
                    "Lowest allowed group.consumer.heartbeat.interval.ms.")
            .define(GROUP_CONSUMER_MAX_HEARTBEAT_INTERVAL_MS, Type.INT, 15_000, Range.atLeast(1), Importance.LOW,
                    "Highest allowed group.consumer.heartbeat.interval.ms.")
            .define(GROUP_CONSUMER_MAX_SIZE, Type.INT, Integer.MAX_VALUE, Range.atLeast(1), Importance.MEDIUM,
                    "Most members of one consumer-protocol group.")
            .define(GROUP_CONSUMER_ASSIGNORS, Type.LIST, "uniform,range", Importance.MEDIUM,
                    "Server-side assignors of consumer-protocol groups (uniform, range; Kafka's class names "
                            + "are accepted too); the first is the default.")
            .define(METRICS_PORT, Type.INT, 9464, Range.between(0, 65535), Importance.MEDIUM,
                    "Port of the HTTP listener serving /metrics (Prometheus text format), /health and /ready, "
                            + "on the host of the Kafka listener; 0 turns it off.")
            .define(TRANSACTION_MAX_TIMEOUT_MS, Type.INT, 900_000, Range.atLeast(1), Importance.HIGH,
                    "The longest transaction.timeout.ms a producer may ask for; longer gets INVALID_TRANSACTION_TIMEOUT.")
            .define(TRANSACTION_ABORT_TIMED_OUT_INTERVAL_MS, Type.INT, 10_000, Range.atLeast(1), Importance.LOW,
                    "How often transactions open longer than their timeout are aborted.")
            .define(TRANSACTIONAL_ID_EXPIRATION_MS, Type.INT, 604_800_000, Range.atLeast(1), Importance.LOW,
                    "How long the coordinator keeps a transactional id that has no transaction going on.")
            .define(TRANSACTION_REMOVE_EXPIRED_INTERVAL_MS, Type.INT, 3_600_000, Range.atLeast(1), Importance.LOW,
                    "How often expired transactional ids are removed.")
            .define(TRANSACTION_PARTITION_VERIFICATION_ENABLE, Type.BOOLEAN, true, Importance.LOW,
                    "Refuse a transactional batch that would open a transaction in a partition the producer's "
                            + "transaction does not include (KIP-890 part 1).")
            .define(PROCESS_ROLES, Type.LIST, "", ConfigDef.ValidList.in("broker", "controller"), Importance.HIGH,
                    "The roles of this node; a cluster node is broker,controller (combined), the only kind supported.")
            .define(CONTROLLER_QUORUM_VOTERS, Type.LIST, "", Importance.HIGH,
                    "The metadata quorum as id@host:port,...; several voters make cluster mode, this node alone "
                            + "(or nothing) a single node.")
            .define(CONTROLLER_QUORUM_BOOTSTRAP_SERVERS, Type.LIST, "", Importance.HIGH,
                    "Kafka's dynamic quorum; accepted only as this node's own controller listener (a single node).")
            .define(CONTROLLER_LISTENER_NAMES, Type.LIST, "", Importance.HIGH,
                    "Listeners the quorum uses; the first is where this node's quorum peer listens. The broker "
                            + "serves nothing on them.")
            .define(INTER_BROKER_LISTENER_NAME, Type.STRING, null, Importance.MEDIUM,
                    "The listener brokers replicate over; PLAINTEXT when unset, as in Kafka.")
            .define(SECURITY_INTER_BROKER_PROTOCOL, Type.STRING, null, Importance.LOW,
                    "Kafka's other way to name the inter-broker listener: the listener named after this protocol. "
                            + "Only one of it and " + INTER_BROKER_LISTENER_NAME + " may be set.")
            .define(PRINCIPAL_BUILDER_CLASS, Type.STRING, null, Importance.MEDIUM,
                    "Kafka's KafkaPrincipalBuilder naming each connection's principal; unset, Kafka's default "
                            + "(User:<SASL name>, User:<certificate name> by ssl.principal.mapping.rules, else ANONYMOUS).")
            .define(LISTENER_SECURITY_PROTOCOL_MAP, Type.STRING, null, Importance.LOW,
                    "Listener name to security protocol; unset, a listener named after a protocol uses it and the "
                            + "controller listeners use PLAINTEXT. Only PLAINTEXT is served for now.")
            .define(REPLICA_LAG_TIME_MAX_MS, Type.LONG, 30_000L, Range.atLeast(1), Importance.HIGH,
                    "A follower that has not caught up to the log end for this long leaves the ISR.")
            .define(REPLICA_FETCH_WAIT_MAX_MS, Type.INT, 500, Range.atLeast(0), Importance.MEDIUM,
                    "How long a follower's fetch waits for data at most.")
            .define(REPLICA_FETCH_MAX_BYTES, Type.INT, 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
                    "Bytes per partition a follower fetches at most (at least one batch is always returned).")
            .define(REPLICA_FETCH_RESPONSE_MAX_BYTES, Type.INT, 10 * 1024 * 1024, Range.atLeast(0), Importance.MEDIUM,
                    "Bytes of a whole follower fetch response at most (at least one batch is always returned).")
            .define(REPLICA_FETCH_MIN_BYTES, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Bytes a follower's fetch waits for before it is answered.")
            .define(NUM_REPLICA_FETCHERS, Type.INT, 1, Range.atLeast(1), Importance.MEDIUM,
                    "Fetcher threads per source broker; Surety runs one (Kafka's default) and warns at start above that.")
            .define(REPLICA_FETCH_BACKOFF_MS, Type.INT, 1_000, Range.atLeast(0), Importance.MEDIUM,
                    "How long a follower waits before fetching a partition again after an error.")
            // As in Kafka, any value is accepted; at 0 or below the file is written only at a clean stop.
            .define(REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS, Type.LONG, 5_000L, Importance.HIGH,
                    "How often the replicas' high watermarks are written to replication-offset-checkpoint (when one "
                            + "changed); at 0 or below only at a clean stop.")
            .define(BROKER_SESSION_TIMEOUT_MS, Type.INT, 9_000, Range.atLeast(1), Importance.MEDIUM,
                    "A broker that has not heartbeated for this long is fenced: it leaves every ISR and leads nothing.")
            .define(BROKER_HEARTBEAT_INTERVAL_MS, Type.INT, 2_000, Range.atLeast(1), Importance.MEDIUM,
                    "How often a broker heartbeats to the quorum.")
            .define(CONTROLLED_SHUTDOWN_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "On a clean stop, move leadership away before the process exits.")
            .define(CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS, Type.INT, 1_000, Range.atLeast(1), Importance.MEDIUM,
                    "How long the quorum waits without a leader before it elects one.")
            .define(MIN_INSYNC_REPLICAS, Type.INT, 1, Range.atLeast(1), Importance.HIGH,
                    "Default least ISR size for acks=all (topic key min.insync.replicas); 1 on a single node.")
            .define(AuthorizerConfig.AUTHORIZER_CLASS_NAME, Type.STRING, "", Importance.HIGH,
                    "Empty for no authorization, or " + AuthorizerConfig.STANDARD_AUTHORIZER + " for Kafka's ACLs.")
            .define(AuthorizerConfig.SUPER_USERS, Type.STRING, "", Importance.HIGH,
                    "Principals allowed every operation, semicolon-separated (User:admin;User:ops).")
            .define(AuthorizerConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Allow every principal on a resource that no ACL matches.")
            .define(UNCLEAN_LEADER_ELECTION_ENABLE, Type.BOOLEAN, false, Importance.HIGH,
                    "Default of the topic key: elect a replica outside the ISR when no ISR member is left, losing "
                            + "the records it lacks.");

    /** Replication keys, which change nothing on a single node. */
    private static final Set<String> REPLICATION_KEYS = Set.of(INTER_BROKER_LISTENER_NAME, SECURITY_INTER_BROKER_PROTOCOL,
            REPLICA_LAG_TIME_MAX_MS,
            REPLICA_FETCH_WAIT_MAX_MS, REPLICA_FETCH_MAX_BYTES, REPLICA_FETCH_RESPONSE_MAX_BYTES, REPLICA_FETCH_MIN_BYTES,
            NUM_REPLICA_FETCHERS, REPLICA_FETCH_BACKOFF_MS, REPLICA_HIGH_WATERMARK_CHECKPOINT_INTERVAL_MS,
            BROKER_SESSION_TIMEOUT_MS, BROKER_HEARTBEAT_INTERVAL_MS, CONTROLLED_SHUTDOWN_ENABLE,
            CONTROLLER_QUORUM_ELECTION_TIMEOUT_MS, UNCLEAN_LEADER_ELECTION_ENABLE);

    private final Map<String, String> originals;
    private final Map<String, Object> values;
    private final int nodeId;
    private final StorageConfig storage;
    private final NetworkConfig network;
    private final TopicsConfig topics;
    private final GroupConfig groups;
    private final TransactionConfig transactions;
    private final CleanerConfig cleaner;
    private final MetricsConfig metrics;
    private final ClusterConfig cluster;
    private final ReplicationConfig replication;
    private final AuthorizerConfig authorizer;

    private BrokerConfig(Map<String, String> originals) {
        this.originals = Collections.unmodifiableMap(new LinkedHashMap<>(originals));
        rejectUnknown(originals.keySet());
        this.values = DEFINITION.parse(originals);
        ParsedSettings parsed = new ParsedSettings(values);
        this.nodeId = parsed.intValue(NODE_ID);
        this.cluster = ClusterConfig.from(parsed, nodeId);
        this.replication = ReplicationConfig.from(parsed);
        this.storage = StorageConfig.from(parsed);
        this.network = NetworkConfig.from(parsed, cluster, originals);
        SaslConfig.check(SaslConfig.parse(originals), network.connectionsMaxIdleMs());
        this.topics = TopicsConfig.from(parsed);
        if (!cluster.isCluster() && topics.defaultReplicationFactor() > 1) {
            throw new ConfigException(DEFAULT_REPLICATION_FACTOR, topics.defaultReplicationFactor(), "a single node "
                    + "holds one replica; a replication factor above 1 needs cluster mode (" + CONTROLLER_QUORUM_VOTERS + ")");
        }
        this.groups = GroupConfig.from(parsed);
        this.transactions = TransactionConfig.from(parsed);
        this.cleaner = CleanerConfig.from(parsed);
        this.metrics = MetricsConfig.from(parsed);
        this.authorizer = AuthorizerConfig.from(parsed, cluster);
    }

    /** Parses and validates {@code settings}; throws {@link ConfigException} naming the first bad setting. */
    public static BrokerConfig of(Map<String, String> settings) {
        return new BrokerConfig(settings);
    }

    /** The configuration when nothing is set: every value is its definition's default. */
    static BrokerConfig defaults() {
        return Defaults.INSTANCE;
    }

    /** Built on first use, after the definition is in place. */
    private static final class Defaults {
        static final BrokerConfig INSTANCE = new BrokerConfig(Map.of());
    }

    /** Every key this broker understands, for help output and validation. */
    public static Set<String> knownKeys() {
        Set<String> keys = new TreeSet<>(DEFINITION.names());
        keys.addAll(ACCEPTED_WITHOUT_EFFECT);
        keys.addAll(TlsConfig.keys());
        keys.addAll(SaslConfig.keys());
        return keys;
    }

    private static void rejectUnknown(Set<String> keys) {
        Set<String> known = knownKeys();
        for (String key : keys) {
            if (!known.contains(key) && !TlsConfig.isKnown(key) && !SaslConfig.isKnown(key)) {
                String closest = closest(key, known);
                throw new ConfigException("unknown setting '" + key + "'"
                        + (closest != null ? "; did you mean '" + closest + "'?" : "; README.md lists the settings"));
            }
        }
    }

    /** The known key a typo most likely meant: the nearest by edit distance, if it is near enough to be a typo. */
    static String closest(String key, Set<String> known) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 4) + 1;
        for (String candidate : known) {
            int distance = editDistance(key, candidate);
            if (distance < bestDistance) {
                best = candidate;
                bestDistance = distance;
            }
        }
        return best;
    }

    private static int editDistance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    public Map<String, String> originals() {
        return originals;
    }

    /** {@code node.id}: this broker's node id. */
    public int nodeId() {
        return nodeId;
    }

    /** Data directory, segments, retention, flushing, and the topics' log defaults. */
    public StorageConfig storage() {
        return storage;
    }

    /** Listeners, request size and thread counts. */
    public NetworkConfig network() {
        return network;
    }

    /** Topic creation and deletion. */
    public TopicsConfig topics() {
        return topics;
    }

    /** Classic and consumer-protocol groups, and committed offsets. */
    public GroupConfig groups() {
        return groups;
    }

    /** Transactions and producer state. */
    public TransactionConfig transactions() {
        return transactions;
    }

    /** The log cleaner, and the topics' compaction defaults. */
    public CleanerConfig cleaner() {
        return cleaner;
    }

    /** The metrics and health HTTP listener. */
    public MetricsConfig metrics() {
        return metrics;
    }

    /** Node id, roles, the metadata quorum, the named listeners, and the mode they make. */
    public ClusterConfig cluster() {
        return cluster;
    }

    /** Replica fetching, ISR upkeep, broker liveness and the topics' replication defaults. */
    public ReplicationConfig replication() {
        return replication;
    }

    /** Whether requests are authorized, and by whom. */
    public AuthorizerConfig authorizer() {
        return authorizer;
    }

    /**
     * One line for each setting that is accepted but changes nothing here, naming the key in quotes:
     * Kafka keys Surety has no use for, and cluster keys on a single node. Logged as WARN at start.
     */
    public List<String> warnings() {
        List<String> out = new ArrayList<>();
        for (String key : new TreeSet<>(originals.keySet())) {
            if (ACCEPTED_WITHOUT_EFFECT.contains(key)) {
                out.add("'" + key + "' is accepted for compatibility with Apache Kafka but has no effect in Surety");
            } else if (!cluster.isCluster() && REPLICATION_KEYS.contains(key)) {
                out.add("'" + key + "' has no effect on a single node (it matters in cluster mode)");
            }
        }
        if (originals.containsKey(SaslConfig.SASL_MECHANISM_INTER_BROKER_PROTOCOL)
                && !(cluster.isCluster() && cluster.listeners().isSasl(cluster.listeners().interBrokerName()))) {
            out.add("'" + SaslConfig.SASL_MECHANISM_INTER_BROKER_PROTOCOL + "' has no effect here: no broker replicates "
                    + "over SASL (a single node, or an inter-broker listener without SASL)");
        }
        if (!cluster.isCluster() && replication.minInsyncReplicas() > 1) {
            out.add("'" + MIN_INSYNC_REPLICAS + "'=" + replication.minInsyncReplicas() + " has no effect on a single "
                    + "node, which holds one replica: topics use 1");
        }
        if (cluster.isCluster() && replication.numReplicaFetchers() > 1) {
            // One fetcher per source broker shares one connection to it; more would need a connection each.
            out.add("'" + NUM_REPLICA_FETCHERS + "'=" + replication.numReplicaFetchers() + " is accepted, but Surety runs "
                    + "one replica fetcher per source broker");
        }
        for (NetworkConfig.BrokerListener listener : network.brokerListeners()) {
            if (!listener.isTls() && listener.sasl().filter(sasl -> sasl.mechanisms().contains("PLAIN")).isPresent()) {
                out.add("listener " + listener.name() + " serves SASL PLAIN without TLS: passwords cross the network "
                        + "in clear; use SASL_SSL where the network is not trusted");
            }
        }
        if (authorizer.enabled() && authorizer.allowEveryoneIfNoAclFound()) {
            out.add("'" + AuthorizerConfig.ALLOW_EVERYONE_IF_NO_ACL_FOUND + "'=true: a resource without ACLs is open "
                    + "to every principal, anonymous ones included");
        }
        out.addAll(cluster.ignoredInThisMode());
        return out;
    }

    /** The broker-level value of a topic config's default, as a string (what DescribeConfigs shows). */
    public String topicDefault(String topicKey) {
        return TopicConfig.brokerDefault(this, topicKey);
    }

    /** The settings in force, for the start banner and DescribeConfigs. */
    public Map<String, String> effectiveBrokerConfigs() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String name : DEFINITION.names()) {
            Object v = values.get(name);
            out.put(name, v == null ? null : ConfigDef.convertToString(v, DEFINITION.configKeys().get(name).type));
        }
        return out;
    }

    /** The value type of a broker key, or null for a key accepted without effect or unknown. */
    public static Type type(String key) {
        ConfigDef.ConfigKey configKey = DEFINITION.configKeys().get(key);
        return configKey == null ? null : configKey.type;
    }

    /** Whether {@code key} was set explicitly (DescribeConfigs reports its source). */
    public boolean isExplicit(String key) {
        return originals.containsKey(key);
    }
}
