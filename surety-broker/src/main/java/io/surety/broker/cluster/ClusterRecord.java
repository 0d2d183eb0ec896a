package io.surety.broker.cluster;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.server.common.ApiMessageAndVersion;

/**
 * One change to the cluster's replicated metadata. Every change is one of these: the active
 * controller proposes records ({@link ControllerRules}), the quorum commits them, and every node
 * applies them with {@link ClusterStateMachine#replay}; a restart or a new node rebuilds the same
 * {@link ClusterImage} by replaying them again. Values, immutable.
 *
 * <p>Each kind mirrors one of Kafka's KRaft metadata records field by field where Kafka has the
 * field (named in each javadoc), minus what Surety does not support (ZooKeeper migration,
 * features, eligible leader replicas, JBOD). The byte layout of each kind is in
 * {@link ClusterRecordCodec}.
 */
public sealed interface ClusterRecord {

    /** The broker epoch of a {@link RegisterBroker} proposal: the epoch is assigned at replay. */
    long UNASSIGNED_EPOCH = -1;

    /**
     * The id of the cluster this metadata belongs to: the first committed record, written once
     * when the quorum is formed. Nothing else replays before it.
     */
    record ClusterId(String clusterId) implements ClusterRecord {
        public ClusterId {
            Objects.requireNonNull(clusterId, "clusterId");
        }
    }

    /** A listener a broker serves on (Kafka's {@code BrokerEndpoint}). */
    record Endpoint(String name, String host, int port, short securityProtocol) {
        public Endpoint {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(host, "host");
        }
    }

    /**
     * A broker incarnation's registration (Kafka's {@code RegisterBrokerRecord}); replaces any
     * earlier registration of the id.
     *
     * @param brokerEpoch {@link #UNASSIGNED_EPOCH} when the controller proposes a new
     *        incarnation: replay gives it the log index of the entry that carries it, so epochs
     *        grow with the log. A snapshot, or an amended registration of the same incarnation,
     *        carries the epoch it already has.
     * @param directoryId the broker's {@code directory.id} from {@code meta.properties}
     *        (Kafka's {@code LogDirs}, one directory per broker)
     * @param fenced new incarnations start fenced
     * @param directoryPendingReplace true when the id was known with another directory: the
     *        broker lost its disk, so it may host and fetch its replicas but may neither join an
     *        ISR nor lead until {@link AcceptBrokerDirectory} (Surety's field; Kafka has none)
     */
    record RegisterBroker(int brokerId, Uuid incarnationId, long brokerEpoch, Uuid directoryId, List<Endpoint> endpoints,
            Optional<String> rack, boolean fenced, boolean inControlledShutdown, boolean directoryPendingReplace)
            implements ClusterRecord {
        public RegisterBroker {
            Objects.requireNonNull(incarnationId, "incarnationId");
            Objects.requireNonNull(directoryId, "directoryId");
            endpoints = List.copyOf(endpoints);
            Objects.requireNonNull(rack, "rack");
        }
    }

    /** The broker is fenced (Kafka's {@code FenceBrokerRecord}); it leaves controlled shutdown. */
    record FenceBroker(int brokerId, long brokerEpoch) implements ClusterRecord {
    }

    /** The broker is unfenced (Kafka's {@code UnfenceBrokerRecord}). */
    record UnfenceBroker(int brokerId, long brokerEpoch) implements ClusterRecord {
    }

    /**
     * The broker entered controlled shutdown (Kafka's {@code BrokerRegistrationChangeRecord} with
     * {@code InControlledShutdown} set).
     */
    record BrokerControlledShutdown(int brokerId, long brokerEpoch) implements ClusterRecord {
    }

    /**
     * The operator accepted the broker's new directory (the explicit replace step): it may join
     * ISRs and lead again. Surety's record; Kafka has none.
     */
    record AcceptBrokerDirectory(int brokerId, long brokerEpoch, Uuid directoryId) implements ClusterRecord {
        public AcceptBrokerDirectory {
            Objects.requireNonNull(directoryId, "directoryId");
        }
    }

    /** A new topic (Kafka's {@code TopicRecord}); its partitions follow as {@link Partition} records. */
    record Topic(String name, Uuid topicId) implements ClusterRecord {
        public Topic {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * A partition's whole state (Kafka's {@code PartitionRecord}); creates it or replaces it.
     *
     * @param replicas in preferred order: the first is the preferred leader
     * @param leader a broker id, or {@link ClusterImage#NO_LEADER}
     * @param addingReplicas the replicas a reassignment in progress is adding, else empty
     * @param removingReplicas the replicas a reassignment in progress is removing, else empty
     */
    record Partition(Uuid topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader,
            LeaderRecoveryState leaderRecoveryState, int leaderEpoch, int partitionEpoch, List<Integer> addingReplicas,
            List<Integer> removingReplicas) implements ClusterRecord {
        public Partition {
            Objects.requireNonNull(topicId, "topicId");
            replicas = List.copyOf(replicas);
            isr = List.copyOf(isr);
            Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
            addingReplicas = List.copyOf(addingReplicas);
            removingReplicas = List.copyOf(removingReplicas);
        }

        /** A partition with no reassignment in progress. */
        public Partition(Uuid topicId, int partitionId, List<Integer> replicas, List<Integer> isr, int leader,
                LeaderRecoveryState leaderRecoveryState, int leaderEpoch, int partitionEpoch) {
            this(topicId, partitionId, replicas, isr, leader, leaderRecoveryState, leaderEpoch, partitionEpoch, List.of(),
                    List.of());
        }

        /** Whether this record carries a reassignment in progress (it then needs entry version 2). */
        boolean reassigning() {
            return !addingReplicas.isEmpty() || !removingReplicas.isEmpty();
        }
    }

    /**
     * A change to one partition (Kafka's {@code PartitionChangeRecord}): only the fields that
     * change are present. Replay raises the partition epoch by one, and the leader epoch by one
     * when {@code leader} is present (even if it names the same broker, as Kafka does to force a
     * new epoch).
     *
     * @param leader the new leader, {@link ClusterImage#NO_LEADER} for none, or empty if unchanged
     * @param addingReplicas the replicas being added by a reassignment (empty list: none), or empty if unchanged
     * @param removingReplicas the replicas being removed by a reassignment (empty list: none), or empty if unchanged
     */
    record PartitionChange(Uuid topicId, int partitionId, Optional<List<Integer>> isr, OptionalInt leader,
            Optional<List<Integer>> replicas, Optional<LeaderRecoveryState> leaderRecoveryState,
            Optional<List<Integer>> addingReplicas, Optional<List<Integer>> removingReplicas)
            implements ClusterRecord {
        public PartitionChange {
            Objects.requireNonNull(topicId, "topicId");
            isr = isr.map(List::copyOf);
            Objects.requireNonNull(leader, "leader");
            replicas = replicas.map(List::copyOf);
            Objects.requireNonNull(leaderRecoveryState, "leaderRecoveryState");
            addingReplicas = addingReplicas.map(List::copyOf);
            removingReplicas = removingReplicas.map(List::copyOf);
        }

        /** A change that leaves any reassignment as it is. */
        public PartitionChange(Uuid topicId, int partitionId, Optional<List<Integer>> isr, OptionalInt leader,
                Optional<List<Integer>> replicas, Optional<LeaderRecoveryState> leaderRecoveryState) {
            this(topicId, partitionId, isr, leader, replicas, leaderRecoveryState, Optional.empty(), Optional.empty());
        }

        /** Whether this record changes a reassignment's replicas (it then needs entry version 2). */
        boolean changesReassignment() {
            return addingReplicas.isPresent() || removingReplicas.isPresent();
        }
    }

    /**
     * One topic config override set, or removed when {@code value} is empty (Kafka's
     * {@code ConfigRecord} for a TOPIC resource, keyed by topic id rather than name so a topic
     * recreated under the same name starts clean).
     */
    record TopicConfig(Uuid topicId, String key, Optional<String> value) implements ClusterRecord {
        public TopicConfig {
            Objects.requireNonNull(topicId, "topicId");
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** The topic, its partitions and its configs are gone (Kafka's {@code RemoveTopicRecord}). */
    record RemoveTopic(Uuid topicId) implements ClusterRecord {
        public RemoveTopic {
            Objects.requireNonNull(topicId, "topicId");
        }
    }

    /**
     * A block of producer ids was handed out (Kafka's {@code ProducerIdsRecord}): the next block
     * starts at {@code nextProducerId}. {@code brokerId} and {@code brokerEpoch} name the broker
     * that asked, or are -1 in a snapshot.
     */
    record ProducerIds(int brokerId, long brokerEpoch, long nextProducerId) implements ClusterRecord {
    }

    /**
     * A change to the cluster's users or access control, carried as Kafka's own metadata record
     * ({@code UserScramCredentialRecord}, {@code RemoveUserScramCredentialRecord},
     * {@code AccessControlEntryRecord}, {@code RemoveAccessControlEntryRecord}), the same record a
     * single node keeps in its security journal. Every node replays it into its {@link SecurityImage}
     * and from there into what its listeners authenticate and authorize against.
     */
    record Security(ApiMessageAndVersion record) implements ClusterRecord {
        public Security {
            Objects.requireNonNull(record, "record");
            if (!SecurityImage.replays(record.message())) {
                throw new IllegalArgumentException("Not a security record: " + record.message().getClass().getSimpleName());
            }
        }

        /** The kind and whom it concerns, never a salt or key (Kafka's own toString prints them). */
        @Override
        public String toString() {
            return "Security[" + SecurityImage.describe(record.message()) + "]";
        }
    }
}
