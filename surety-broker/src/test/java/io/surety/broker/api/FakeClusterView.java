package io.surety.broker.api;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterRecord.Endpoint;
import io.surety.broker.cluster.ClusterStateMachine;
import io.surety.broker.cluster.ControllerConfig;
import io.surety.broker.cluster.ControllerRules;
import io.surety.broker.cluster.Decision;
import io.surety.broker.cluster.LeaderRecoveryState;
import io.surety.broker.config.BrokerConfig;
import io.surety.broker.config.TopicConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;

/**
 * A {@link ClusterView} with no quorum and no sockets: an image built from records the test
 * commits, and a controller that decides with the real {@link ControllerRules} (seeded placement)
 * on that image and replays its records at once, or fails every request as told. Every request
 * sent to the controller is kept. The client listener is {@value #LISTENER}; broker {@code n}
 * listens on {@code broker-n:9092}. Not thread-safe; one per test.
 */
final class FakeClusterView implements ClusterView {

    static final String LISTENER = "PLAINTEXT";
    static final String CLUSTER_ID = "fake-cluster";

    final List<ApiMessage> sent = new ArrayList<>();
    private final ClusterStateMachine state = new ClusterStateMachine();
    private final ControllerRules rules;
    private final int nodeId;
    private long index;
    private OptionalInt controllerId = OptionalInt.empty();
    private OptionalInt coordinatorId = OptionalInt.empty();
    private Optional<RuntimeException> failure = Optional.empty();
    private boolean answering = true;
    private final List<CompletableFuture<ApiMessage>> unanswered = new ArrayList<>();

    FakeClusterView(int nodeId, BrokerConfig config) {
        this.nodeId = nodeId;
        Random random = new Random(7);
        this.rules = new ControllerRules(new ControllerConfig(9000, false, config.topics().numPartitions(),
                config.topics().defaultReplicationFactor()), overrides -> TopicConfig.of(config, overrides),
                () -> new Uuid(random.nextLong() | 1, random.nextLong()), random);
        commit(List.of(new ClusterRecord.ClusterId(CLUSTER_ID)));
    }

    /** Registers broker {@code id} on {@link #LISTENER} and, unless {@code fenced}, unfences it. */
    FakeClusterView broker(int id, boolean fenced) {
        return broker(id, fenced, List.of(LISTENER));
    }

    /**
     * Registers broker {@code id} with an endpoint on each of {@code listeners}, listener {@code i}
     * at {@code <lower-case name>-<id>:<9092 + i>}, and unless {@code fenced}, unfences it.
     */
    FakeClusterView broker(int id, boolean fenced, List<String> listeners) {
        List<Endpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < listeners.size(); i++) {
            String name = listeners.get(i);
            String host = name.equals(LISTENER) ? "broker-" + id : name.toLowerCase(java.util.Locale.ROOT) + "-" + id;
            endpoints.add(new Endpoint(name, host, 9092 + i, (short) 0));
        }
        commit(List.of(new ClusterRecord.RegisterBroker(id, Uuid.randomUuid(), ClusterRecord.UNASSIGNED_EPOCH,
                Uuid.randomUuid(), endpoints, Optional.empty(), true, false, false)));
        if (!fenced) {
            commit(List.of(new ClusterRecord.UnfenceBroker(id, image().broker(id).brokerEpoch())));
        }
        return this;
    }

    /** A topic whose partition {@code p} has {@code replicas.get(p)}, ISR {@code isrs.get(p)} and leader {@code leaders.get(p)}. */
    Uuid topic(String name, List<List<Integer>> replicas, List<List<Integer>> isrs, List<Integer> leaders,
            Map<String, String> configs) {
        Uuid id = Uuid.randomUuid();
        List<ClusterRecord> records = new ArrayList<>();
        records.add(new ClusterRecord.Topic(name, id));
        configs.forEach((key, value) -> records.add(new ClusterRecord.TopicConfig(id, key, Optional.of(value))));
        for (int p = 0; p < replicas.size(); p++) {
            records.add(new ClusterRecord.Partition(id, p, replicas.get(p), isrs.get(p), leaders.get(p),
                    LeaderRecoveryState.RECOVERED, 3, 5));
        }
        commit(records);
        return id;
    }

    FakeClusterView controller(int id) {
        controllerId = OptionalInt.of(id);
        return this;
    }

    /** Node {@code id} leads the coordinator quorum group from now on. */
    FakeClusterView coordinator(int id) {
        coordinatorId = OptionalInt.of(id);
        return this;
    }

    /** Every later request to the controller fails with {@code error}. */
    FakeClusterView failing(RuntimeException error) {
        failure = Optional.of(error);
        return this;
    }

    /** Later requests to the controller get no answer until {@link #answerAll()}. */
    FakeClusterView holdingAnswers() {
        answering = false;
        return this;
    }

    /** Decides every held request now, in order. */
    void answerAll() {
        answering = true;
        List<CompletableFuture<ApiMessage>> held = new ArrayList<>(unanswered);
        unanswered.clear();
        int first = sent.size() - held.size();
        for (int i = 0; i < held.size(); i++) {
            held.get(i).complete(decide(sent.get(first + i)));
        }
    }

    @Override
    public ClusterImage image() {
        return state.image();
    }

    @Override
    public int nodeId() {
        return nodeId;
    }

    @Override
    public OptionalInt activeControllerId() {
        return controllerId;
    }

    @Override
    public OptionalInt coordinatorId() {
        return coordinatorId;
    }

    @Override
    public CompletableFuture<ApiMessage> sendToController(ApiKeys api, ApiMessage request) {
        sent.add(request);
        if (failure.isPresent()) {
            return CompletableFuture.failedFuture(failure.get());
        }
        if (!answering) {
            CompletableFuture<ApiMessage> held = new CompletableFuture<>();
            unanswered.add(held);
            return held;
        }
        return CompletableFuture.completedFuture(decide(request));
    }

    private ApiMessage decide(ApiMessage request) {
        ClusterImage image = image();
        if (request instanceof CreateTopicsRequestData create) {
            return commit(rules.createTopics(image, create));
        }
        if (request instanceof DeleteTopicsRequestData delete) {
            return commit(rules.deleteTopics(image, delete));
        }
        if (request instanceof CreatePartitionsRequestData create) {
            return commit(rules.createPartitions(image, create));
        }
        if (request instanceof ElectLeadersRequestData elect) {
            return commit(rules.electLeaders(image, elect));
        }
        if (request instanceof IncrementalAlterConfigsRequestData alter) {
            return commit(rules.alterTopicConfigs(image, alter));
        }
        throw new IllegalArgumentException("The fake controller does not take " + request.getClass().getSimpleName());
    }

    private <T> T commit(Decision<T> decision) {
        if (!decision.records().isEmpty()) {
            commit(decision.records());
        }
        return decision.answer();
    }

    private void commit(List<ClusterRecord> records) {
        state.replay(++index, records);
    }
}
