package io.surety.broker.node;

import io.surety.broker.cluster.ClusterImage;
import io.surety.broker.cluster.ClusterRecord;
import io.surety.broker.cluster.ClusterRecordCodec;
import io.surety.broker.cluster.ControllerConfig;
import io.surety.broker.cluster.ControllerRules;
import io.surety.broker.cluster.Decision;
import io.surety.broker.cluster.LeaderRecoveryState;
import io.surety.broker.cluster.SecurityImage;
import io.surety.broker.cluster.TopicConfigCheck;
import io.surety.broker.cluster.TopicImage;
import io.surety.broker.quorum.LeadershipListener;
import io.surety.broker.quorum.QuorumRequestHandler;
import io.surety.broker.quorum.RatisQuorum;
import io.surety.broker.security.AclRequests;
import io.surety.broker.security.AclState;
import io.surety.broker.security.ClientQuotaRequests;
import io.surety.broker.security.ClientQuotas;
import io.surety.broker.security.ScramUsers;
import io.surety.broker.security.SecurityChange;
import java.util.List;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.errors.NotControllerException;
import org.apache.kafka.common.message.AllocateProducerIdsRequestData;
import org.apache.kafka.common.message.AlterClientQuotasRequestData;
import org.apache.kafka.common.message.AlterPartitionReassignmentsRequestData;
import org.apache.kafka.common.message.AlterPartitionRequestData;
import org.apache.kafka.common.message.AlterUserScramCredentialsRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreatePartitionsRequestData;
import org.apache.kafka.common.message.CreateTopicsRequestData;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteTopicsRequestData;
import org.apache.kafka.common.message.DescribeQuorumRequestData;
import org.apache.kafka.common.message.ElectLeadersRequestData;
import org.apache.kafka.common.message.IncrementalAlterConfigsRequestData;
import org.apache.kafka.common.message.ListPartitionReassignmentsRequestData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controller while this node leads the metadata quorum: takes every decision that needs
 * agreement ({@link ControllerRules}) one at a time, proposes its records, and answers once they are
 * applied, so each decision reads everything decided before it.
 *
 * <p>Threading: one decision thread per term, created when leadership starts and shut down when it
 * ends; requests from the quorum's transport threads are queued onto it. Liveness is checked on the
 * same thread every {@link #TICK_MS} ms (session expiry, then unclean elections where a topic allows
 * them), on the monotonic clock given. A request arriving while this node does not lead fails with
 * {@link NotControllerException}; the sender retries.
 *
 * <p>Implementation notes: a decision waits for its own records to apply before the next one starts.
 * Metadata traffic is a few entries a second, so this costs nothing and leaves no speculative state
 * to undo when leadership is lost mid-decision; an entry proposed in a term that ended is dropped by
 * every member ({@code RatisQuorum.propose}).
 */
final class ActiveController implements QuorumRequestHandler, LeadershipListener {

    static final long TICK_MS = 500;
    /**
     * Named in a registration's features by a broker whose data directory was formatted with
     * {@code bin/surety format --replace}: the operator's word that its new directory id replaces a
     * lost one, so it may lead and join ISRs again.
     */
    static final String DIRECTORY_REPLACEMENT_FEATURE = "surety.directory.replacement";
    private static final long COMMIT_TIMEOUT_MS = 15_000;
    private static final Logger LOG = LoggerFactory.getLogger(ActiveController.class);

    private final int nodeId;
    private final String clusterId;
    private final ControllerConfig config;
    private final TopicConfigCheck topicConfigCheck;
    private final MetadataStateMachine metadata;
    private final LongSupplier nanoClock;
    private final String controllerListener;
    private volatile RatisQuorum quorum;
    private volatile Term current;
    private volatile Consumer<ElectionCount> electionsCommitted = count -> { };

    /** One term of leadership: its rules (with their soft state), its decision thread, and the answers it owes. */
    private record Term(long term, ControllerRules rules, ScheduledExecutorService thread,
                        Set<CompletableFuture<byte[]>> owed) {

        /** Stops deciding; every request still queued is answered NOT_CONTROLLER so its sender retries elsewhere. */
        void end(String why) {
            thread.shutdownNow();
            owed.forEach(answer -> answer.completeExceptionally(new NotControllerException(why)));
        }
    }

    /** @param controllerListener the name of the listener the quorum's voters listen on, for DescribeQuorum */
    ActiveController(int nodeId, String clusterId, ControllerConfig config, TopicConfigCheck topicConfigCheck,
                     MetadataStateMachine metadata, LongSupplier nanoClock, String controllerListener) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.config = config;
        this.topicConfigCheck = topicConfigCheck;
        this.metadata = metadata;
        this.nanoClock = nanoClock;
        this.controllerListener = controllerListener;
    }

    /** The quorum this controller proposes through; set once, right after the quorum starts. */
    void attach(RatisQuorum started) {
        this.quorum = started;
    }

    /** Tells {@code listener} the leader elections of each decision this controller commits. */
    void onElectionsCommitted(Consumer<ElectionCount> listener) {
        this.electionsCommitted = listener;
    }

    /** Whether this node is the active controller now. */
    boolean isActive() {
        return current != null;
    }

    @Override
    public void becameLeader(long term) {
        ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread t = new Thread(runnable, "surety-controller-" + nodeId);
            t.setDaemon(true);
            return t;
        });
        Term next = new Term(term, new ControllerRules(config, topicConfigCheck, Uuid::randomUuid, new Random()), thread,
                ConcurrentHashMap.newKeySet());
        Term previous = current;
        current = next;
        if (previous != null) {
            previous.end("Node " + nodeId + " leads quorum term " + term + " now, not " + previous.term);
        }
        LOG.info("Node {} is the active controller (quorum term {})", nodeId, term);
        thread.execute(() -> start(next));
        thread.scheduleWithFixedDelay(() -> tick(next), TICK_MS, TICK_MS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void lostLeadership() {
        Term ended = current;
        current = null;
        if (ended != null) {
            LOG.info("Node {} is no longer the active controller (quorum term {})", nodeId, ended.term);
            ended.end("Node " + nodeId + " is no longer the controller");
        }
    }

    void close() {
        lostLeadership();
    }

    @Override
    public CompletableFuture<byte[]> handle(byte[] bytes) {
        Term term = current;
        if (term == null) {
            return CompletableFuture.failedFuture(new NotControllerException("Node " + nodeId + " is not the controller"));
        }
        ControllerMessages.Request request = ControllerMessages.readRequest(bytes);
        CompletableFuture<byte[]> answer = new CompletableFuture<>();
        term.owed.add(answer);
        answer.whenComplete((ignored, failure) -> term.owed.remove(answer));
        try {
            term.thread.execute(() -> {
                try {
                    answer.complete(ControllerMessages.answer(decide(term, request.data()), request.version()));
                } catch (RuntimeException e) {
                    answer.completeExceptionally(e);
                }
            });
        } catch (RejectedExecutionException e) {
            answer.completeExceptionally(new NotControllerException("Node " + nodeId + " is no longer the controller"));
        }
        return answer;
    }

    private ApiMessage decide(Term term, ApiMessage request) {
        long nowNs = nanoClock.getAsLong();
        ControllerRules rules = term.rules;
        ClusterImage image = metadata.image();
        if (request instanceof BrokerRegistrationRequestData registration) {
            BrokerRegistrationResponseData answer = commit(term, rules.register(image, registration, nowNs));
            if (answer.errorCode() == 0) {
                // The broker epoch is the index the registration committed at, known only now.
                answer.setBrokerEpoch(metadata.image().broker(registration.brokerId()).brokerEpoch());
                settleDirectory(term, registration);
            }
            return answer;
        }
        if (request instanceof BrokerHeartbeatRequestData heartbeat) {
            return commit(term, rules.heartbeat(image, heartbeat, nowNs));
        }
        if (request instanceof AlterPartitionRequestData alter) {
            return commit(term, rules.alterPartition(image, alter));
        }
        if (request instanceof CreateTopicsRequestData create) {
            return commit(term, rules.createTopics(image, create));
        }
        if (request instanceof DeleteTopicsRequestData delete) {
            return commit(term, rules.deleteTopics(image, delete));
        }
        if (request instanceof CreatePartitionsRequestData create) {
            return commit(term, rules.createPartitions(image, create));
        }
        if (request instanceof ElectLeadersRequestData elect) {
            return commit(term, rules.electLeaders(image, elect));
        }
        if (request instanceof AlterPartitionReassignmentsRequestData reassign) {
            return commit(term, rules.alterPartitionReassignments(image, reassign));
        }
        if (request instanceof ListPartitionReassignmentsRequestData list) {
            return rules.listPartitionReassignments(image, list);
        }
        if (request instanceof IncrementalAlterConfigsRequestData alter) {
            return commit(term, rules.alterTopicConfigs(image, alter));
        }
        if (request instanceof AlterUserScramCredentialsRequestData alter) {
            SecurityImage security = image.security();
            return commit(term, securityDecision(
                    ScramUsers.decide(alter, (mechanism, user) -> security.hasScram(user, mechanism.type()))));
        }
        if (request instanceof CreateAclsRequestData create) {
            return commit(term, securityDecision(AclRequests.create(create, AclState.of(image.security().acls().values()))));
        }
        if (request instanceof DeleteAclsRequestData delete) {
            return commit(term, securityDecision(AclRequests.delete(delete, AclState.of(image.security().acls().values()))));
        }
        if (request instanceof AlterClientQuotasRequestData alter) {
            ClientQuotas current = new ClientQuotas();
            image.security().quotas().values().forEach(current::replay);
            return commit(term, securityDecision(ClientQuotaRequests.alter(alter, current)));
        }
        if (request instanceof AllocateProducerIdsRequestData allocate) {
            return commit(term, rules.allocateProducerIds(image, allocate));
        }
        if (request instanceof DescribeQuorumRequestData describe) {
            // Kafka's timestamps here are wall-clock milliseconds.
            return QuorumDescription.describe(describe, quorum.status(), quorum.settings().voters(), controllerListener,
                    image, System.currentTimeMillis());
        }
        throw new IllegalArgumentException("The controller does not take " + request.getClass().getSimpleName());
    }

    /** A change to users or ACLs as one decision: Kafka's records, carried as {@link ClusterRecord.Security}. */
    private static <T> Decision<T> securityDecision(SecurityChange<T> change) {
        return new Decision<>(change.records().stream().<ClusterRecord>map(ClusterRecord.Security::new).toList(),
                change.answer());
    }

    /**
     * A broker that came back with a new data directory (a wiped or replaced disk) is trusted again
     * only when its directory was formatted as a replacement; otherwise it stays out of every ISR and
     * leadership, and this says so.
     */
    private void settleDirectory(Term term, BrokerRegistrationRequestData registration) {
        int brokerId = registration.brokerId();
        if (!metadata.image().broker(brokerId).directoryPendingReplace()) {
            return;
        }
        Uuid directoryId = registration.logDirs().get(0);
        if (registration.features().find(DIRECTORY_REPLACEMENT_FEATURE) != null) {
            commit(term, term.rules.acceptDirectory(metadata.image(), brokerId, directoryId));
            LOG.info("Broker {}'s new data directory {} replaces its lost one (formatted with --replace): it may lead "
                    + "and join ISRs once caught up", brokerId, directoryId);
        } else {
            LOG.warn("Broker {} came back with a new data directory {}; it will not lead or join an ISR until that "
                    + "directory is formatted with bin/surety format --replace", brokerId, directoryId);
        }
    }

    private void start(Term term) {
        term.rules.sessions().activate(metadata.image(), nanoClock.getAsLong());
        commit(term, term.rules.formCluster(metadata.image(), clusterId));
    }

    private void tick(Term term) {
        try {
            long nowNs = nanoClock.getAsLong();
            // One fenced broker per decision; the next sees the image after it.
            OptionalInt fenced = OptionalInt.of(-1);
            while (term == current && fenced.isPresent()) {
                fenced = commit(term, term.rules.fenceExpired(metadata.image(), nowNs));
                fenced.ifPresent(id -> LOG.warn("Broker {} is fenced: no heartbeat within broker.session.timeout.ms ({} ms); "
                        + "it leaves every ISR and leadership until it is heard from again", id, config.sessionTimeoutMs()));
            }
            commit(term, term.rules.electUncleanLeaders(metadata.image()));
        } catch (RuntimeException e) {
            LOG.warn("The controller's liveness check failed; it runs again in {} ms: {}", TICK_MS, e.toString());
        }
    }

    /**
     * An unclean election trades data for availability: the new leader lacks whatever only the old
     * ISR held. Said loudly, once per partition, with the leader that lost it.
     */
    private static void reportUnclean(ClusterImage before, List<ClusterRecord> records) {
        for (ClusterRecord record : records) {
            if (record instanceof ClusterRecord.PartitionChange change && change.leader().isPresent()
                    && change.leaderRecoveryState().orElse(null) == LeaderRecoveryState.RECOVERING) {
                TopicImage topic = before.topic(change.topicId());
                String name = topic == null ? change.topicId().toString() : topic.name();
                List<Integer> oldIsr = topic == null ? List.of() : topic.partition(change.partitionId()).isr();
                LOG.warn("Unclean leader election for {}-{}: broker {} leads from outside the ISR {}; records only the "
                        + "ISR held are lost", name, change.partitionId(), change.leader().getAsInt(), oldIsr);
            }
        }
    }

    /** Proposes the decision's records, waits until they are applied here, and returns its answer. */
    private <T> T commit(Term term, Decision<T> decision) {
        if (decision.records().isEmpty()) {
            return decision.answer();
        }
        ClusterImage before = metadata.image();
        try {
            quorum.propose(term.term, ClusterRecordCodec.encode(decision.records()))
                    .get(COMMIT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
            reportUnclean(before, decision.records());
            electionsCommitted.accept(ElectionCount.of(before, decision.records()));
            return decision.answer();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NotControllerException("Node " + nodeId + " stopped being the controller");
        } catch (ExecutionException | TimeoutException e) {
            throw new NotControllerException("Node " + nodeId + " could not commit a decision: " + e.getMessage());
        }
    }
}
