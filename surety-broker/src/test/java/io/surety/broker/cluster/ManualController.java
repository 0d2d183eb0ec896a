package io.surety.broker.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.surety.broker.cluster.ClusterImage.PartitionRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData.BrokerState;
import org.apache.kafka.common.message.AlterPartitionResponseData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicCollection;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfig;
import org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopicConfigCollection;
import org.apache.kafka.common.message.CreateTopicsResponseData.CreatableTopicResult;
import org.apache.kafka.common.protocol.Errors;

/**
 * A controller stepped by a test: the rules decide on the current image, every decision's
 * records are encoded, decoded and replayed as the next log entry, and a manual monotonic clock
 * moves only when told. After every entry the invariants are checked, and the log kept so tests
 * can replay it from scratch or from a snapshot.
 *
 * <p>Invariants: every leader is in its ISR or there is no leader; the ISR is a non-empty,
 * duplicate-free subset of the replicas; the replicas being added and removed are disjoint subsets
 * of the replicas; leader and partition epochs never go down; a leader
 * epoch, once used for a partition, always names the same leader; a partition's epoch rises by
 * exactly one per change.
 */
final class ManualController {

    static final String CLUSTER_ID = "test-cluster-id-00000";
    static final long SESSION_TIMEOUT_MS = 9000;

    final ControllerRules rules;
    final ClusterStateMachine stateMachine = new ClusterStateMachine();
    final List<Entry> log = new ArrayList<>();
    long nowNs = TimeUnit.SECONDS.toNanos(1000);
    private long nextIndex = 1;
    private final Map<String, Integer> leaderByEpoch = new HashMap<>();
    private final Map<String, PartitionState> lastSeen = new HashMap<>();
    private final Map<Integer, Uuid> incarnations = new HashMap<>();
    private final Map<Integer, Uuid> directories = new HashMap<>();

    /** One committed entry: its index and records. */
    record Entry(long index, List<ClusterRecord> records) {
    }

    ManualController(ControllerConfig config, long seed) {
        Random random = new Random(seed);
        rules = new ControllerRules(config, overrides -> { }, () -> new Uuid(random.nextLong() | 1, random.nextLong()),
                random);
        commit(rules.formCluster(image(), CLUSTER_ID));
    }

    ManualController(boolean uncleanDefault) {
        this(new ControllerConfig(SESSION_TIMEOUT_MS, uncleanDefault, 1, (short) 3), 42);
    }

    ClusterImage image() {
        return stateMachine.image();
    }

    void advanceMs(long ms) {
        nowNs += TimeUnit.MILLISECONDS.toNanos(ms);
    }

    /** Commits the decision's records as one entry (if any) and returns its answer. */
    <T> T commit(Decision<T> decision) {
        if (!decision.records().isEmpty()) {
            byte[] entry = ClusterRecordCodec.encode(decision.records());
            List<ClusterRecord> decoded;
            try {
                decoded = ClusterRecordCodec.decode(entry);
            } catch (ClusterRecordCodec.UndecodableEntryException e) {
                throw new AssertionError(e);
            }
            assertThat(decoded).isEqualTo(decision.records());
            long index = nextIndex++;
            log.add(new Entry(index, decoded));
            stateMachine.replay(index, decoded);
            checkInvariants();
        }
        return decision.answer();
    }

    /** Registers {@code brokerId} as a new incarnation on its known directory (a fresh one the first time). */
    BrokerRegistrationResponseData register(int brokerId) {
        return register(brokerId, Uuid.randomUuid(), directories.computeIfAbsent(brokerId, id -> new Uuid(7, 1000 + id)));
    }

    BrokerRegistrationResponseData register(int brokerId, Uuid incarnationId, Uuid directoryId) {
        BrokerRegistrationRequestData request = new BrokerRegistrationRequestData().setBrokerId(brokerId)
                .setClusterId(CLUSTER_ID).setIncarnationId(incarnationId).setLogDirs(List.of(directoryId));
        request.listeners().add(new BrokerRegistrationRequestData.Listener().setName("PLAINTEXT").setHost("localhost")
                .setPort(9092 + brokerId).setSecurityProtocol((short) 0));
        BrokerRegistrationResponseData answer = commit(rules.register(image(), request, nowNs));
        if (answer.errorCode() == Errors.NONE.code()) {
            incarnations.put(brokerId, incarnationId);
        }
        return answer;
    }

    /** A heartbeat from {@code brokerId} that has caught up with the whole log. */
    BrokerHeartbeatResponseData heartbeat(int brokerId, boolean wantShutDown) {
        BrokerRegistration broker = image().broker(brokerId);
        return commit(rules.heartbeat(image(), new BrokerHeartbeatRequestData().setBrokerId(brokerId)
                .setBrokerEpoch(broker.brokerEpoch()).setCurrentMetadataOffset(image().appliedIndex())
                .setWantShutDown(wantShutDown), nowNs));
    }

    /** Registers and unfences brokers {@code 1..count}. */
    void startBrokers(int count) {
        for (int id = 1; id <= count; id++) {
            register(id);
            heartbeat(id, false);
            assertThat(image().broker(id).fenced()).isFalse();
        }
    }

    /** Heartbeats from every unfenced broker. */
    void heartbeatAll() {
        for (BrokerRegistration broker : List.copyOf(image().brokers().values())) {
            if (!broker.fenced()) {
                heartbeat(broker.brokerId(), false);
            }
        }
    }

    /** Fences every broker whose session expired. */
    void fenceExpired() {
        while (!commit(rules.fenceExpired(image(), nowNs)).isEmpty()) {
            // one broker per decision, as Kafka does
        }
    }

    CreatableTopicResult createTopic(String name, int partitions, int replicationFactor, Map<String, String> configs) {
        CreatableTopicConfigCollection configCollection = new CreatableTopicConfigCollection();
        configs.forEach((k, v) -> configCollection.add(new CreatableTopicConfig().setName(k).setValue(v)));
        CreatableTopicCollection topics = new CreatableTopicCollection();
        topics.add(new CreatableTopic().setName(name).setNumPartitions(partitions)
                .setReplicationFactor((short) replicationFactor).setConfigs(configCollection));
        return commit(rules.createTopics(image(), new CreateTopicsRequestData().setTopics(topics))).topics().find(name);
    }

    PartitionState partition(String topic, int partition) {
        return image().topic(topic).partition(partition);
    }

    /** AlterPartition from the current leader of {@code topic}-{@code partition}, proposing {@code isr}. */
    AlterPartitionResponseData.PartitionData alterIsr(String topic, int partition, List<Integer> isr) {
        PartitionState state = partition(topic, partition);
        return alterPartition(state.leader(), topic, partition, state.leaderEpoch(), state.partitionEpoch(), isr,
                LeaderRecoveryState.RECOVERED);
    }

    AlterPartitionResponseData.PartitionData alterPartition(int sender, String topic, int partition, int leaderEpoch,
            int partitionEpoch, List<Integer> isr, LeaderRecoveryState recovery) {
        BrokerRegistration broker = image().broker(sender);
        AlterPartitionRequestData.PartitionData data = new AlterPartitionRequestData.PartitionData()
                .setPartitionIndex(partition).setLeaderEpoch(leaderEpoch).setPartitionEpoch(partitionEpoch)
                .setLeaderRecoveryState(recovery.code());
        for (int id : isr) {
            BrokerRegistration member = image().broker(id);
            data.newIsrWithEpochs().add(new BrokerState().setBrokerId(id).setBrokerEpoch(member == null ? -1 : member.brokerEpoch()));
        }
        AlterPartitionRequestData request = new AlterPartitionRequestData().setBrokerId(sender)
                .setBrokerEpoch(broker == null ? -1 : broker.brokerEpoch());
        request.topics().add(new AlterPartitionRequestData.TopicData().setTopicId(image().topic(topic).id())
                .setPartitions(List.of(data)));
        AlterPartitionResponseData response = commit(rules.alterPartition(image(), request));
        if (response.errorCode() != Errors.NONE.code()) {
            return new AlterPartitionResponseData.PartitionData().setErrorCode(response.errorCode());
        }
        return response.topics().get(0).partitions().get(0);
    }

    /** Replays the whole log into a fresh state machine. */
    ClusterImage replayFromScratch() {
        ClusterStateMachine fresh = new ClusterStateMachine();
        log.forEach(e -> fresh.replay(e.index(), e.records()));
        return fresh.image();
    }

    /** Snapshots the image after {@code snapshotEntries} entries, restores it, and replays the rest. */
    ClusterImage replayFromSnapshot(int snapshotEntries) {
        ClusterStateMachine upTo = new ClusterStateMachine();
        log.subList(0, snapshotEntries).forEach(e -> upTo.replay(e.index(), e.records()));
        byte[] snapshot = ClusterRecordCodec.encode(ClusterStateMachine.snapshot(upTo.image()));
        ClusterStateMachine restored = new ClusterStateMachine();
        try {
            restored.restore(upTo.image().appliedIndex(), ClusterRecordCodec.decode(snapshot));
        } catch (ClusterRecordCodec.UndecodableEntryException e) {
            throw new AssertionError(e);
        }
        assertThat(restored.image()).isEqualTo(upTo.image());
        log.subList(snapshotEntries, log.size()).forEach(e -> restored.replay(e.index(), e.records()));
        return restored.image();
    }

    void checkInvariants() {
        Set<String> present = new HashSet<>();
        for (PartitionRef ref : image().partitions()) {
            PartitionState p = ref.state();
            String key = ref.topic().id() + "-" + ref.partitionId();
            present.add(key);
            check(!p.isr().isEmpty() && Set.copyOf(p.isr()).size() == p.isr().size(), key, p, () -> "ISR empty or duplicated");
            check(Set.copyOf(p.replicas()).size() == p.replicas().size() && p.replicas().containsAll(p.isr()), key, p,
                    () -> "ISR not a subset of duplicate-free replicas");
            check(!p.hasLeader() || p.isr().contains(p.leader()), key, p, () -> "leader outside the ISR");
            check(p.replicas().containsAll(p.addingReplicas()) && p.replicas().containsAll(p.removingReplicas())
                    && p.addingReplicas().stream().noneMatch(p.removingReplicas()::contains), key, p,
                    () -> "adding or removing replicas outside the replicas, or both adding and removing one");
            check(p.hasLeader() || p.isr().stream().noneMatch(image()::eligible), key, p,
                    () -> "no leader while an ISR member may lead: " + image().brokers());
            check(p.leaderRecoveryState() != LeaderRecoveryState.RECOVERING || p.isr().size() == 1, key, p,
                    () -> "a recovering leader with more than itself in the ISR");
            PartitionState before = lastSeen.put(key, p);
            if (before != null) {
                check(p.leaderEpoch() >= before.leaderEpoch(), key, p, () -> "leader epoch went down from " + before);
                check(p.partitionEpoch() == before.partitionEpoch() || p.partitionEpoch() == before.partitionEpoch() + 1,
                        key, p, () -> "partition epoch moved by more than one change from " + before);
                check(p.leader() == before.leader() || p.leaderEpoch() > before.leaderEpoch(), key, p,
                        () -> "leader changed without a new leader epoch from " + before);
            }
            Integer earlier = leaderByEpoch.putIfAbsent(key + "@" + p.leaderEpoch(), p.leader());
            check(earlier == null || earlier == p.leader(), key, p, () -> "leader epoch already used by leader " + earlier);
        }
        lastSeen.keySet().retainAll(present);
    }

    private static void check(boolean holds, String key, PartitionState state, Supplier<String> what) {
        if (!holds) {
            throw new AssertionError("Partition " + key + ": " + what.get() + ": " + state);
        }
    }
}
