package io.surety.broker.api;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.protocol.ApiKeys;

/**
 * The protocol versions Surety serves, one row per API key: the one place that says so. ApiVersions
 * answers from it, and a request at a version outside a row's served range closes the connection,
 * as Apache Kafka does (ApiVersions itself is the exception: it is answered at v0 with
 * UNSUPPORTED_VERSION and its range, so the client can retry lower). Immutable and thread-safe.
 *
 * <p>Columns: <em>advertised from</em> is the lowest version ApiVersions advertises, below
 * <em>served from</em> only where Apache Kafka advertises more than it parses; <em>served from</em>
 * and <em>served to</em> bound what the handler handles; <em>kafka-clients newest</em> is
 * {@link ApiKeys#latestVersion()} of the kafka-clients version this row was last reviewed against,
 * so a row that stops below it says so in writing.
 *
 * <p>Implementation notes: the ranges used to default to whatever kafka-clients knows, so bumping
 * kafka-clients silently changed what the broker claimed to serve, including versions no handler
 * had ever seen. {@code ServedVersionsTest} now fails on a bump that moves any API's newest or
 * oldest version, naming the row to review; the fix is a deliberate edit here (serve the new
 * version, or record the new newest and keep stopping below it).
 */
public final class ServedVersions {

    /**
     * One row of the table.
     *
     * @param api the API key
     * @param advertisedMin the lowest version ApiVersions advertises (at most {@code min})
     * @param min the lowest version served
     * @param max the highest version served (and advertised)
     * @param reviewedLatest kafka-clients' newest version of {@code api} when the row was last
     *     reviewed; above {@code max} where Surety deliberately stops below it
     */
    public record Range(ApiKeys api, short advertisedMin, short min, short max, short reviewedLatest) {

        public Range {
            if (advertisedMin < 0 || advertisedMin > min || min > max || max > reviewedLatest) {
                throw new IllegalArgumentException("Not advertised <= min <= max <= reviewed newest: " + this);
            }
        }

        public boolean serves(short version) {
            return version >= min && version <= max;
        }
    }

    private static final List<Range> TABLE = List.of(
            //                                      advertised  served  served  kafka-clients
            //   API                                      from    from      to  newest (reviewed)
            row(ApiKeys.API_VERSIONS,                        0,      0,      4,      4),
            row(ApiKeys.METADATA,                            0,      0,     13,     13),
            // Advertised from v0 as Kafka 4.x does (KAFKA-18659): librdkafka before 2.11.1 compresses
            // only if the advertised range includes v0. v0-v2 are not served and close the connection.
            row(ApiKeys.PRODUCE,                             0,      3,     13,     13),
            row(ApiKeys.FETCH,                               4,      4,     18,     18),
            row(ApiKeys.LIST_OFFSETS,                        1,      1,     11,     11),
            // v6 is two-phase commit (KIP-939): not served.
            row(ApiKeys.INIT_PRODUCER_ID,                    0,      0,      5,      6),
            row(ApiKeys.CREATE_TOPICS,                       2,      2,      7,      7),
            row(ApiKeys.DELETE_TOPICS,                       1,      1,      6,      6),
            row(ApiKeys.CREATE_PARTITIONS,                   0,      0,      3,      3),
            row(ApiKeys.DESCRIBE_CONFIGS,                    1,      1,      4,      4),
            row(ApiKeys.INCREMENTAL_ALTER_CONFIGS,           0,      0,      1,      1),
            row(ApiKeys.ALTER_CONFIGS,                       0,      0,      2,      2),
            row(ApiKeys.DESCRIBE_CLUSTER,                    0,      0,      2,      2),
            row(ApiKeys.OFFSET_FOR_LEADER_EPOCH,             2,      2,      4,      4),
            row(ApiKeys.DELETE_RECORDS,                      0,      0,      2,      2),
            row(ApiKeys.DESCRIBE_TOPIC_PARTITIONS,           0,      0,      0,      0),
            row(ApiKeys.FIND_COORDINATOR,                    0,      0,      6,      6),
            row(ApiKeys.JOIN_GROUP,                          0,      0,      9,      9),
            row(ApiKeys.SYNC_GROUP,                          0,      0,      5,      5),
            row(ApiKeys.HEARTBEAT,                           0,      0,      4,      4),
            row(ApiKeys.LEAVE_GROUP,                         0,      0,      5,      5),
            // v10 (topic ids) is not served yet, in either.
            row(ApiKeys.OFFSET_COMMIT,                       2,      2,      9,     10),
            row(ApiKeys.OFFSET_FETCH,                        1,      1,      9,     10),
            row(ApiKeys.OFFSET_DELETE,                       0,      0,      0,      0),
            row(ApiKeys.DESCRIBE_GROUPS,                     0,      0,      6,      6),
            row(ApiKeys.LIST_GROUPS,                         0,      0,      5,      5),
            row(ApiKeys.DELETE_GROUPS,                       0,      0,      2,      2),
            row(ApiKeys.CONSUMER_GROUP_HEARTBEAT,            0,      0,      1,      1),
            row(ApiKeys.CONSUMER_GROUP_DESCRIBE,             0,      0,      1,      1),
            row(ApiKeys.ADD_PARTITIONS_TO_TXN,               0,      0,      5,      5),
            row(ApiKeys.ADD_OFFSETS_TO_TXN,                  0,      0,      4,      4),
            // v5 of both goes with transaction version 2 (KIP-890 part 2): no transaction.version
            // feature is advertised, so clients stay on the first transaction protocol.
            row(ApiKeys.END_TXN,                             0,      0,      4,      5),
            row(ApiKeys.TXN_OFFSET_COMMIT,                   0,      0,      4,      5),
            row(ApiKeys.DESCRIBE_TRANSACTIONS,               0,      0,      0,      0),
            row(ApiKeys.LIST_TRANSACTIONS,                   0,      0,      2,      2),
            row(ApiKeys.DESCRIBE_PRODUCERS,                  0,      0,      0,      0),
            // v5 reports cordoned directories (KIP-1066): not served.
            row(ApiKeys.DESCRIBE_LOG_DIRS,                   1,      1,      4,      5),
            row(ApiKeys.WRITE_TXN_MARKERS,                   1,      1,      2,      2),
            // SECURITY_DISABLED without authorizer.class.name, as in Kafka. v0 is gone from Kafka 4.x.
            row(ApiKeys.DESCRIBE_ACLS,                       1,      1,      3,      3),
            row(ApiKeys.CREATE_ACLS,                         1,      1,      3,      3),
            row(ApiKeys.DELETE_ACLS,                         1,      1,      3,      3),
            // Served by the SASL listeners' authenticator while a connection authenticates; once it
            // has (or on a listener without SASL) their handlers answer ILLEGAL_SASL_STATE.
            row(ApiKeys.SASL_HANDSHAKE,                      0,      0,      1,      1),
            row(ApiKeys.SASL_AUTHENTICATE,                   0,      0,      2,      2),
            // No client quotas are stored yet: every filter matches nothing, as on a Kafka without any.
            row(ApiKeys.DESCRIBE_CLIENT_QUOTAS,              0,      0,      1,      1),
            row(ApiKeys.ALTER_CLIENT_QUOTAS,                 0,      0,      1,      1),
            row(ApiKeys.DESCRIBE_USER_SCRAM_CREDENTIALS,     0,      0,      0,      0),
            row(ApiKeys.ALTER_USER_SCRAM_CREDENTIALS,        0,      0,      0,      0));

    /**
     * Rows served in cluster mode only, on top of {@link #TABLE}: a single node neither advertises
     * nor serves them (ElectLeaders: one replica has no other to elect; DescribeQuorum: there is no quorum;
     * partition reassignments: there is no other broker to move a replica to).
     */
    private static final List<Range> CLUSTER_ONLY = List.of(
            row(ApiKeys.ELECT_LEADERS,                       0,      0,      2,      2),
            row(ApiKeys.DESCRIBE_QUORUM,                     0,      0,      2,      2),
            row(ApiKeys.ALTER_PARTITION_REASSIGNMENTS,       0,      0,      1,      1),
            row(ApiKeys.LIST_PARTITION_REASSIGNMENTS,        0,      0,      0,      0));

    private static final Map<ApiKeys, Range> BY_API = index(concat(TABLE, CLUSTER_ONLY));

    private ServedVersions() {
    }

    /** Every row a single node serves, in table order. */
    public static List<Range> all() {
        return TABLE;
    }

    /** The rows served in cluster mode only. */
    public static List<Range> clusterOnly() {
        return CLUSTER_ONLY;
    }

    /** Every row a node serves: {@link #all()}, plus {@link #clusterOnly()} in cluster mode. */
    public static List<Range> served(boolean clusterMode) {
        return clusterMode ? concat(TABLE, CLUSTER_ONLY) : TABLE;
    }

    /** The row for {@code api}, or empty if Surety does not serve it at all. */
    public static Optional<Range> of(ApiKeys api) {
        return Optional.ofNullable(BY_API.get(api));
    }

    /**
     * Whether a request for {@code api} at {@code version} is served in some mode (else the
     * connection closes); {@link ApiDispatcher#supports} also asks whether this node's mode has it.
     */
    public static boolean serves(ApiKeys api, short version) {
        Range range = BY_API.get(api);
        return range != null && range.serves(version);
    }

    private static Range row(ApiKeys api, int advertisedMin, int min, int max, int reviewedLatest) {
        return new Range(api, (short) advertisedMin, (short) min, (short) max, (short) reviewedLatest);
    }

    private static List<Range> concat(List<Range> first, List<Range> second) {
        List<Range> all = new ArrayList<>(first);
        all.addAll(second);
        return Collections.unmodifiableList(all);
    }

    private static Map<ApiKeys, Range> index(List<Range> rows) {
        Map<ApiKeys, Range> byApi = new EnumMap<>(ApiKeys.class);
        for (Range range : rows) {
            if (byApi.put(range.api(), range) != null) {
                throw new IllegalStateException("Two rows for " + range.api());
            }
        }
        return Collections.unmodifiableMap(byApi);
    }
}
