package io.surety.broker.node;

import io.surety.broker.quorum.RatisQuorum;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.BrokerHeartbeatRequestData;
import org.apache.kafka.common.message.BrokerHeartbeatResponseData;
import org.apache.kafka.common.message.BrokerRegistrationRequestData;
import org.apache.kafka.common.message.BrokerRegistrationResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node as a broker of the cluster, in the controller's eyes: it registers (a new incarnation
 * each process start, with its directory id and listeners), then sends a heartbeat every
 * {@code broker.heartbeat.interval.ms} carrying how far it has applied the metadata, and learns
 * whether it is fenced. At shutdown it asks to leave ({@code WantShutDown}) and waits until the
 * controller has moved its leaderships away.
 *
 * <p>A request the controller leaves unanswered for {@code broker.session.timeout.ms} is given up
 * and sent again, so no lost answer can stop the heartbeats; silence that long is said once, with
 * its cause, since the controller fences a broker it has not heard from for that long. The channel
 * to the controller gives up sooner, after {@link #requestTimeoutMs} (a third of the session): a
 * new controller starts every session afresh when it takes over, and a heartbeat stuck on the old,
 * frozen one must fail early enough for the next to reach the new one within that session.
 *
 * <p>Threading: every step runs on the given single-thread scheduler; at most one request is in
 * flight; the state read by other threads is volatile.
 */
final class BrokerLifecycle {

    private static final Logger LOG = LoggerFactory.getLogger(BrokerLifecycle.class);

    private final int nodeId;
    private final String clusterId;
    private final Uuid directoryId;
    private final List<BrokerRegistrationRequestData.Listener> listeners;
    private final long heartbeatIntervalMs;
    private final long sessionTimeoutMs;
    private final MetadataStateMachine metadata;
    private final Function<byte[], CompletableFuture<byte[]>> controller;
    private final ScheduledExecutorService thread;
    private final Uuid incarnationId;
    private final boolean replacementDirectory;
    private final CountDownLatch shutdownGranted = new CountDownLatch(1);
    private volatile long brokerEpoch = -1;
    private volatile boolean fenced = true;
    private volatile boolean leaving;
    private boolean inFlight;
    /** When the controller last answered (monotonic ms), and whether the silence since was reported. */
    private long lastAnswerMs = ClusterNode.monotonicMs();
    private boolean silenceReported;
    /** The last registration refusal, said once until it changes. */
    private volatile Errors lastRefusal = Errors.NONE;

    BrokerLifecycle(int nodeId, String clusterId, Uuid incarnationId, Uuid directoryId, boolean replacementDirectory,
                    List<BrokerRegistrationRequestData.Listener> listeners,
                    long heartbeatIntervalMs, long sessionTimeoutMs, MetadataStateMachine metadata,
                    Function<byte[], CompletableFuture<byte[]>> controller, ScheduledExecutorService thread) {
        this.nodeId = nodeId;
        this.clusterId = clusterId;
        this.incarnationId = incarnationId;
        this.replacementDirectory = replacementDirectory;
        this.directoryId = directoryId;
        this.listeners = List.copyOf(listeners);
        this.heartbeatIntervalMs = heartbeatIntervalMs;
        this.sessionTimeoutMs = sessionTimeoutMs;
        this.metadata = metadata;
        this.controller = controller;
        this.thread = thread;
    }

    void start() {
        thread.scheduleWithFixedDelay(this::step, 0, heartbeatIntervalMs, TimeUnit.MILLISECONDS);
    }

    /** The shortest bound of one request to the controller, whatever the session: a busy quorum's answer may take a while. */
    static final long MIN_REQUEST_TIMEOUT_MS = 1_000;

    /**
     * How long one registration or heartbeat may wait for its answer: a third of the session (two
     * thirds remain for the next attempt to reach a new controller), at least {@value
     * #MIN_REQUEST_TIMEOUT_MS} ms and at most {@code RatisQuorum.REQUEST_TIMEOUT_MS}.
     */
    static long requestTimeoutMs(long sessionTimeoutMs) {
        return Math.min(RatisQuorum.REQUEST_TIMEOUT_MS, Math.max(MIN_REQUEST_TIMEOUT_MS, sessionTimeoutMs / 3));
    }

    /** The epoch the controller gave this incarnation; -1 until registered. */
    long brokerEpoch() {
        return brokerEpoch;
    }

    boolean isFenced() {
        return fenced;
    }

    /**
     * Asks the controller to let this broker leave (its leaderships moved, its replicas out of every
     * ISR) and waits for the grant.
     *
     * @return whether the controller granted it within {@code timeoutMs}
     */
    boolean leave(long timeoutMs) throws InterruptedException {
        leaving = true;
        thread.execute(this::step);
        return shutdownGranted.await(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void step() {
        if (inFlight) {
            return;
        }
        inFlight = true;
        CompletableFuture<Void> done;
        try {
            done = (brokerEpoch < 0 ? register() : heartbeat()).orTimeout(sessionTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            done = CompletableFuture.failedFuture(e);
        }
        done.whenCompleteAsync((ignored, failure) -> {
            inFlight = false;
            if (failure == null) {
                answered();
            } else {
                unanswered(failure);
            }
        }, thread);
    }

    private void answered() {
        if (silenceReported) {
            LOG.info("Node {}: the controller answers again after {} ms", nodeId, ClusterNode.monotonicMs() - lastAnswerMs);
        }
        lastAnswerMs = ClusterNode.monotonicMs();
        silenceReported = false;
    }

    private void unanswered(Throwable failure) {
        long silentMs = ClusterNode.monotonicMs() - lastAnswerMs;
        if (silentMs >= sessionTimeoutMs && !silenceReported) {
            silenceReported = true;
            if (brokerEpoch < 0) {
                // Not registered yet: nothing to be fenced from; the quorum is forming or lacks a majority.
                LOG.warn("Node {}: no controller has taken its registration for {} ms; it serves once a majority of "
                        + "controller.quorum.voters is running and has a leader; still trying: {}", nodeId, silentMs,
                        failure.toString());
            } else {
                LOG.warn("Node {}: no answer from the controller for {} ms (broker.session.timeout.ms={}), so it may be "
                        + "fenced; still trying: {}", nodeId, silentMs, sessionTimeoutMs, failure.toString());
            }
        } else {
            LOG.debug("Node {}: the controller did not answer: {}", nodeId, failure.toString());
        }
    }

    private CompletableFuture<Void> register() {
        BrokerRegistrationRequestData request = new BrokerRegistrationRequestData()
                .setBrokerId(nodeId)
                .setClusterId(clusterId)
                .setIncarnationId(incarnationId)
                .setLogDirs(List.of(directoryId))
                .setRack(null);
        listeners.forEach(listener -> request.listeners().add(listener.duplicate()));
        if (replacementDirectory) {
            // The operator's replace step (bin/surety format --replace): this new directory may be trusted.
            request.features().add(new BrokerRegistrationRequestData.Feature()
                    .setName(ActiveController.DIRECTORY_REPLACEMENT_FEATURE)
                    .setMinSupportedVersion((short) 1).setMaxSupportedVersion((short) 1));
        }
        return controller.apply(ControllerMessages.request(ApiKeys.BROKER_REGISTRATION, request)).thenAccept(bytes -> {
            BrokerRegistrationResponseData answer = ControllerMessages.readAnswer(ApiKeys.BROKER_REGISTRATION, bytes);
            Errors error = Errors.forCode(answer.errorCode());
            if (error == Errors.NONE) {
                brokerEpoch = answer.brokerEpoch();
                LOG.info("Node {} registered with the controller: broker epoch {}", nodeId, brokerEpoch);
            } else if (error != lastRefusal) {
                LOG.warn("Node {}: the controller refused its registration ({}): {}; still trying", nodeId, error,
                        refusalCause(error));
            }
            lastRefusal = error;
        });
    }

    /** Why a registration was refused, for the operator: the usual causes named, others as the controller put them. */
    private String refusalCause(Errors error) {
        switch (error) {
            case DUPLICATE_BROKER_REGISTRATION:
                return "another running node has node.id " + nodeId + "; give every node its own node.id (this one "
                        + "registers once the other's session has expired)";
            case INCONSISTENT_CLUSTER_ID:
                return "this node's data directory was formatted for cluster " + clusterId + ", not the quorum's; "
                        + "format it with the cluster's id (bin/surety format --cluster-id)";
            case INVALID_REGISTRATION:
                return "its directory.id is reserved or used by another node; format this node's data directory again";
            default:
                return error.message();
        }
    }

    private CompletableFuture<Void> heartbeat() {
        BrokerHeartbeatRequestData request = new BrokerHeartbeatRequestData()
                .setBrokerId(nodeId)
                .setBrokerEpoch(brokerEpoch)
                .setCurrentMetadataOffset(metadata.image().appliedIndex())
                .setWantFence(false)
                .setWantShutDown(leaving);
        return controller.apply(ControllerMessages.request(ApiKeys.BROKER_HEARTBEAT, request)).thenAccept(bytes -> {
            BrokerHeartbeatResponseData answer = ControllerMessages.readAnswer(ApiKeys.BROKER_HEARTBEAT, bytes);
            Errors error = Errors.forCode(answer.errorCode());
            if (error == Errors.STALE_BROKER_EPOCH || error == Errors.BROKER_ID_NOT_REGISTERED) {
                LOG.info("Node {}: the controller no longer knows broker epoch {} ({}); registering again",
                        nodeId, brokerEpoch, error);
                brokerEpoch = -1;
                fenced = true;
                return;
            }
            if (error != Errors.NONE) {
                LOG.warn("Node {}: heartbeat refused: {}", nodeId, error);
                return;
            }
            if (fenced != answer.isFenced()) {
                LOG.info("Node {} is {} by the controller", nodeId, answer.isFenced() ? "fenced" : "unfenced");
            }
            fenced = answer.isFenced();
            if (answer.shouldShutDown()) {
                shutdownGranted.countDown();
            }
        });
    }
}
